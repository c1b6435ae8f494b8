// What the benchmarks share: child processes pinned to a core and logged to a folder of their own,
// the subgraph host (bench/subgraph-host.cjs), CPU time from /proc, free ports and the contract's
// operations. Benchmarks print numbers; nothing here asserts.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, mkdtempSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, print, type OperationDefinitionNode } from 'graphql';

export const root = join(__dirname, '..');

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** Processes can be pinned to cores: two cores at least, and taskset present. */
export const canPin = cpus().length >= 2 && (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
})();

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** CPU time (user + system) of a process so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK; // utime, stime (fields 14, 15)
}

export const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

const contractDir = join(root, '..', 'shared', 'contract', 'operations');
/** One operation of the client contract (../shared/contract/operations/<file>.graphql), printed. */
export function contractOperation(file: string, name: string): string {
  const doc = parse(readFileSync(join(contractDir, `${file}.graphql`), 'utf8'));
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && d.name?.value === name);
  if (!op) throw new Error(`contract operation ${name} not found in ${file}.graphql`);
  return print(op);
}

/** The URLs the subgraph host prints once every subgraph listens, and what else it reports. */
export interface HostInfo {
  urls: Record<string, string>;
}

/** A benchmark's child processes: each pinned to a core, logging to <workDir>/<name>.log, all stopped together. */
export class BenchProcesses {
  readonly workDir: string;
  private readonly children: ChildProcess[] = [];
  private stopping = false;

  constructor(name: string) {
    this.workDir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  }

  /** Starts node with `args`, pinned to `cpu` (taskset execs node, so /proc/<pid>/stat measures the server itself). */
  start(name: string, cpu: string, args: string[], env: Record<string, string>, stdout: 'log' | 'pipe' = 'log'): ChildProcess {
    const log = openSync(join(this.workDir, `${name}.log`), 'a');
    const command = canPin ? ['taskset', '-c', cpu, process.execPath, ...args] : [process.execPath, ...args];
    const child = spawn(command[0], command.slice(1), { cwd: root, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', stdout === 'pipe' ? 'pipe' : log, log] });
    closeSync(log);
    this.adopt(child);
    child.once('exit', (code, signal) => {
      if (!this.stopping) console.error(`bench: ${name} exited (${signal ?? code}); see ${join(this.workDir, `${name}.log`)}`);
    });
    return child;
  }

  /** A process started elsewhere (e.g. a forked client worker), stopped with the others. */
  adopt(child: ChildProcess): void {
    this.children.push(child);
  }

  /** Starts bench/subgraph-host.cjs; `info` resolves with the line it prints once every subgraph listens. */
  startSubgraphHost<T extends HostInfo = HostInfo>(name: string, cpu: string, nodeArgs: string[], env: Record<string, string>): { child: ChildProcess; info: Promise<T> } {
    const child = this.start(name, cpu, [...nodeArgs, '--enable-source-maps', join(__dirname, 'subgraph-host.cjs')], env, 'pipe');
    const info = new Promise<T>((resolve, reject) => {
      let buffer = '';
      const log = createWriteStream(join(this.workDir, `${name}.log`), { flags: 'a' });
      child.stdout?.on('data', (chunk: Buffer) => {
        log.write(chunk);
        if (buffer.includes('{"urls"')) return;
        buffer += chunk.toString('utf8');
        const line = buffer.split('\n').find((l) => l.startsWith('{"urls"'));
        if (line) resolve(JSON.parse(line) as T);
      });
      child.once('exit', () => reject(new Error(`the subgraphs exited; see ${join(this.workDir, `${name}.log`)}`)));
    });
    return { child, info };
  }

  /** SIGTERM to every child, SIGKILL to those still running 10 s later. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.children.map((child) => new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    })));
  }
}

/** An answer of a GraphQL server: the status and the parsed body (a body that is not JSON becomes one error). */
export interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}
export type Post = (url: string, payload: unknown, headers?: Record<string, string>) => Promise<Answer>;

/** A JSON POST over keep-alive connections, at most `maxSockets` per server. */
export function jsonPoster(maxSockets: number): Post {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return (url, payload, headers = {}) => {
    const body = JSON.stringify(payload);
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] } });
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  };
}

/** Until `url` answers `{ __typename }` with 200. */
export async function waitServing(post: Post, url: string, headers: Record<string, string> = {}, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await post(url, { query: '{ __typename }' }, headers)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not serve a query within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

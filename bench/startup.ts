// Benchmark (run on demand): `npm start` to the first served query, as an operator sees it. Runs
// `npm start` --runs times on one data folder (the first run on a fresh one unless --data names a
// folder already made: that run creates the cluster and applies every migration; the next ones
// find it warm), each on the embedded defaults (no DATABASE_URL, Redis or Kafka), and times the
// spawn to: the "is up" line, and the answer to a query sent to the gateway the moment it is up.
// It prints the platform's own phase lines of each run, then the wall clock of each run.
// Usage: npm run bench:startup -- [--runs 4] [--data <folder>]
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: { runs: { type: 'string', default: '4' }, data: { type: 'string' } },
});
const root = join(__dirname, '..');

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

interface Run {
  upMs: number;
  firstQueryMs: number;
  /** CPU of npm start's processes (npm, node; not PostgreSQL) until the first query was answered. */
  cpuMs: number;
  /** The machine's 1-minute load average after the run. */
  load: number;
  reported: string[];
}

/**
 * CPU ms (user + system, reaped children included) of every process in a process group: npm, its
 * shell and node; not the embedded PostgreSQL, which runs in a group of its own.
 */
function groupCpuMs(pgid: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command's closing parenthesis: state ppid pgrp ... utime(14) stime(15) cutime(16) cstime(17).
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

async function once(dataDir: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, BACBOS_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
  // npm start's own defaults: embedded database, in-process bus and store, generated secrets; ports of the OS's choosing.
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'APP_DB_PASSWORD', 'INTERNAL_CONTEXT_SECRET', 'ACCESS_TOKEN_SECRET', 'NODE_ENV', 'S3_ENDPOINT', 'OPENSEARCH_URL']) delete env[name];
  for (const name of ['GATEWAY', 'PLATFORM', 'CRM', 'OFFICE', 'IDENTITY', 'HR', 'SEARCH']) env[`${name}_PORT`] = '0';
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const match = /BAC-BOS is up in \d+ ms: open the playground at (\S+)/.exec(out);
        if (match) resolve(match[1]);
      });
      void exited.then(() => reject(new Error(`npm start exited before it was up:\n${out.slice(-2000)}\n${err.slice(-2000)}`)));
    });
    const upMs = performance.now() - started;
    const response = await fetch(url.replace('localhost', '127.0.0.1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const body = (await response.json()) as { data?: { __typename?: string } };
    if (body.data?.__typename !== 'Query') throw new Error(`the first query got ${response.status} ${JSON.stringify(body)}`);
    const firstQueryMs = performance.now() - started;
    const groupMs = groupCpuMs(child.pid!);
    const reported = out.split('\n').filter((line) => line.startsWith('start-up') || line.startsWith('BAC-BOS is up'));
    return { upMs, firstQueryMs, cpuMs: groupMs, load: loadavg()[0], reported };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGINT');
      await exited;
    }
  }
}

async function main(): Promise<void> {
  const runs = Number(flags.runs);
  const dataDir = flags.data ?? mkdtempSync(join(tmpdir(), 'bacbos-bench-startup-'));
  chmodSync(dataDir, 0o755); // as root, the embedded PostgreSQL runs as another OS user
  const results: Run[] = [];
  try {
    for (let i = 0; i < runs; i += 1) {
      const run = await once(dataDir);
      results.push(run);
      console.log(`run ${i + 1}:\n  ${run.reported.join('\n  ')}`);
    }
  } finally {
    if (!flags.data) rmSync(dataDir, { recursive: true, force: true });
  }
  console.log('\nwall clock from spawning npm start to: the "is up" line, the answer to the first query; CPU of npm start\'s processes (npm, node; not PostgreSQL) until then; load average');
  console.log('run  data folder  up (ms)  first query (ms)  CPU (ms)  load');
  results.forEach((r, i) =>
    console.log(`${String(i + 1).padEnd(4)} ${(i === 0 && !flags.data ? 'fresh' : 'warm').padEnd(12)} ${Math.round(r.upMs).toString().padStart(7)}  ${Math.round(r.firstQueryMs).toString().padStart(16)}  ${String(r.cpuMs).padStart(8)}  ${r.load.toFixed(1)}`),
  );
  const warm = results.filter((_r, i) => i > 0 || flags.data);
  const median = (values: number[]) => Math.round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]);
  if (warm.length) console.log(`warm runs: first query median ${median(warm.map((r) => r.firstQueryMs))} ms (best ${Math.round(Math.min(...warm.map((r) => r.firstQueryMs)))}), CPU median ${median(warm.map((r) => r.cpuMs))} ms`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});

// Child processes for the lifecycle tests: the platform's real entry points (scripts/start.ts,
// gateway/src/main.ts, subgraphs/*/src/main.ts) run as separate processes, as an operator runs them.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_PORTS } from '@bacbos/common';

export const repoRoot = join(__dirname, '..', '..');

export interface Child {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exited (code, or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until stdout matches; fails early (with the output) when the process exits first. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  alive(): boolean;
}

/**
 * The environment a process of the platform gets: this test run's services and secrets, logs on,
 * and neither jest's NODE_ENV=test (Apollo and express behave differently under it) nor
 * JEST_WORKER_ID (which silences the logger).
 */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', ...extra };
  delete env.NODE_ENV;
  delete env.JEST_WORKER_ID;
  for (const [key, value] of Object.entries(extra)) if (value === undefined) delete env[key];
  return env;
}

export function spawnChild(command: string, args: string[], options: SpawnOptions = {}): Child {
  const proc = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  proc.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => (done = true));
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    alive: () => !done,
    waitFor: async (pattern, ms = 120_000) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const match = pattern.exec(out);
        if (match) return match;
        if (done) throw new Error(`process exited before printing ${pattern}:\n${out.slice(-3000)}\n${err.slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${out.slice(-3000)}\n${err.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** Runs a TypeScript entry point under node with tsx's loader: one process, no tsx wrapper relaying signals. */
export function spawnEntry(file: string, env: NodeJS.ProcessEnv, options: SpawnOptions = {}): Child {
  return spawnChild(process.execPath, ['--import', 'tsx', join(repoRoot, file)], { env, ...options });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Ports 0 (chosen by the OS) for the gateway and every subgraph of `npm start`. */
export const EPHEMERAL_PORTS: Record<string, string> = Object.fromEntries(Object.keys(DEFAULT_PORTS).map((name) => [`${name.toUpperCase()}_PORT`, '0']));

/** A stack trace line ("    at fn (file:line:col)"). */
export const STACK_LINE = /\n\s+at .+:\d+:\d+\)?/;

/** Lines of stdout that are pino JSON logs at warn level or above. */
export function warnings(stdout: string): string[] {
  return stdout.split('\n').filter((line) => {
    if (!line.startsWith('{')) return false;
    try {
      return (JSON.parse(line) as { level?: number }).level! >= 40;
    } catch {
      return false;
    }
  });
}

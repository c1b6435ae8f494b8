// Private instances of the platform's dependencies for the fault tests: a redis-server and a
// PostgreSQL cluster of the test's own, on free ports, with their data under a mktemp folder, so a
// test can kill and restart them without touching the shared services (scripts/services.sh) other
// test runs use at the same time. Each is stopped and deleted by its destroy().
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../helpers/process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** A redis-server without persistence: a restart comes back empty, as a crashed cache would. */
export class PrivateRedis {
  private child?: ChildProcess;
  private constructor(readonly port: number, private readonly dir: string) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), mkdtempSync(join(tmpdir(), 'bacbos-fault-redis-')));
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(this.port), '--save', '', '--appendonly', 'no', '--dir', this.dir], { stdio: 'ignore' });
    await until(`redis on ${this.port}`, async () => execFileSync('redis-cli', ['-p', String(this.port), 'ping'], { encoding: 'utf8' }).trim() === 'PONG', 10_000);
  }

  /** SIGKILL: the server is gone at once, connections reset, nothing written. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const PG_BIN = '/usr/lib/postgresql/15/bin';
const PG_PASSWORD = 'postgres';
const root = process.getuid?.() === 0;

/** Runs a PostgreSQL binary as the `postgres` OS user when we are root (it refuses to run as root). */
function pgCommand(binary: string, args: string[]): [string, string[]] {
  return root ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', join(PG_BIN, binary), ...args]] : [join(PG_BIN, binary), args];
}

/** A PostgreSQL 15 cluster of its own (Debian's binaries), TCP on 127.0.0.1 only. */
export class PrivatePostgres {
  private child?: ChildProcess;
  private constructor(readonly port: number, private readonly dir: string) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'bacbos-fault-pg-'));
    const pg = new PrivatePostgres(await freePort(), dir);
    const data = join(dir, 'data');
    const pwfile = join(dir, 'pw');
    writeFileSync(pwfile, `${PG_PASSWORD}\n`);
    if (root) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
    const [cmd, args] = pgCommand('initdb', ['-D', data, '-U', 'postgres', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '--auth-host=scram-sha-256', '--auth-local=trust', '--no-sync']);
    execFileSync(cmd, args, { cwd: '/', stdio: 'pipe' });
    writeFileSync(join(data, 'postgresql.auto.conf'), [
      "listen_addresses = '127.0.0.1'", `port = ${pg.port}`, "unix_socket_directories = ''", 'max_connections = 100',
      // A throwaway cluster: durability costs time and proves nothing here.
      'fsync = off', 'synchronous_commit = off', 'full_page_writes = off',
    ].join('\n') + '\n');
    if (root) execFileSync('chown', ['postgres:postgres', join(data, 'postgresql.auto.conf')]);
    await pg.up();
    const admin = new Client({ connectionString: pg.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE bacbos');
    await admin.end();
    return pg;
  }

  url(database = 'bacbos'): string {
    return `postgresql://postgres:${PG_PASSWORD}@127.0.0.1:${this.port}/${database}`;
  }

  async up(): Promise<void> {
    const [cmd, args] = pgCommand('postgres', ['-D', join(this.dir, 'data')]);
    this.child = spawn(cmd, args, { cwd: '/', stdio: 'ignore' });
    await until(`postgres on ${this.port}`, async () => {
      const db = new Client({ connectionString: this.url('postgres') });
      await db.connect();
      await db.end();
      return true;
    }, 30_000);
  }

  /**
   * Stops the server: 'fast' (SIGINT: sessions terminated, what a restart by an operator does) or
   * 'immediate' (SIGQUIT: no shutdown checkpoint, what a crash or a failover looks like).
   */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    await exited(child);
  }

  async destroy(): Promise<void> {
    await this.stop('immediate');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

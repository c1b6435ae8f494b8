// Private instances of the platform's dependencies for the fault tests: a redis-server, a
// PostgreSQL cluster and a three-broker Kafka cluster of the test's own, on free ports, with their
// data under a mktemp folder, so a test can kill and restart them without touching the shared
// services (scripts/services.sh) other test runs use at the same time. Each is stopped and deleted by its destroy().
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../helpers/process';
import { portFree } from '../helpers/topology';

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
    await until(`redis on ${this.port}`, async () => execFileSync('redis-cli', ['-p', String(this.port), 'ping'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'PONG', 10_000);
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

const SERVICES_SH = join(__dirname, '../../scripts/services.sh');

/** Six consecutive free ports (three brokers, three controllers), away from the ephemeral range. */
async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 30_000 + 10 * Math.floor(Math.random() * 2_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports`);
}

/**
 * The test services' Kafka cluster (three KRaft brokers, replication factor 3, min.insync.replicas
 * 2), started by scripts/services.sh itself with a run folder and ports of its own, so a test can
 * kill brokers without touching the shared cluster.
 */
export class PrivateKafka {
  static readonly NODES = [1, 2, 3] as const;
  private constructor(readonly port: number, private readonly run: string) {}

  static async start(): Promise<PrivateKafka> {
    const kafka = new PrivateKafka(await freePortRun(6), mkdtempSync(join(tmpdir(), 'bacbos-fault-kafka-')));
    await kafka.up();
    return kafka;
  }

  /** KAFKA_BROKERS of the cluster. */
  get brokers(): string {
    return PrivateKafka.NODES.map((n) => `127.0.0.1:${this.port + n - 1}`).join(',');
  }

  private services(command: 'up' | 'down'): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn('bash', [SERVICES_SH, command, 'kafka'], {
        env: { ...process.env, BACBOS_RUN: this.run, KAFKA_PORT_BACBOS: String(this.port) },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`services.sh ${command} kafka exited ${code}:\n${stderr}`))));
    });
  }

  /** Starts every broker that is not running and waits until all three serve (services.sh up). */
  up(): Promise<void> {
    return this.services('up');
  }

  pid(node: number): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.run, 'kafka', `node-${node}`, 'kafka.pid'), 'utf8').trim());
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  /** SIGKILL to a broker: it is gone at once, with no controlled shutdown, as in a crash. */
  async kill(node: number): Promise<void> {
    const pid = this.pid(node);
    if (!pid) return;
    process.kill(pid, 'SIGKILL');
    await until(`kafka node ${node} to exit`, async () => {
      try {
        process.kill(pid, 0);
        return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
      } catch {
        return true;
      }
    }, 10_000);
  }

  async destroy(): Promise<void> {
    await Promise.all(PrivateKafka.NODES.map((n) => this.kill(n)));
    rmSync(this.run, { recursive: true, force: true });
  }
}

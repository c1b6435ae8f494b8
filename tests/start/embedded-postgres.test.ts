// npm start's embedded PostgreSQL: private (generated superuser password, loopback only, no Unix
// socket, data folder mode 700), and it starts from a checkout no other OS user can enter, as root
// (the case that failed with `spawn …/initdb EACCES`) and as an ordinary user.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { newSuperuserPassword, startEmbeddedPostgres, type RunningEmbeddedPostgres } from '../../scripts/embedded-postgres';

const isRoot = process.getuid?.() === 0;
const root = join(__dirname, '..', '..');
const packageNative = join(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..', 'native');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe('embedded PostgreSQL of npm start', () => {
  const scratch: string[] = [];
  const running: RunningEmbeddedPostgres[] = [];
  const folder = (mode: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'bacbos-embedded-'));
    chmodSync(dir, mode);
    scratch.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.allSettled(running.map((pg) => pg.stop()));
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  it('starts from a checkout only its owner can enter, private to that owner, and keeps its data', async () => {
    // A "checkout" mode 700 holding the binaries (as node_modules in root's home would).
    const checkout = folder(0o700);
    const binaries = join(checkout, 'native');
    cpSync(packageNative, binaries, { recursive: true, verbatimSymlinks: true });
    const dataDir = join(checkout, '.data');
    const systemDir = join(folder(0o755), 'system');
    const port = await freePort();
    const password = newSuperuserPassword();
    const options = { dataDir, port, password, binaries, systemDir };

    const pg = await startEmbeddedPostgres(options);
    running.push(pg);
    expect(await canConnect(pg.url)).toBe(true);
    // The old fixed superuser password, or none, no longer opens it.
    expect(await canConnect(`postgresql://postgres:postgres@127.0.0.1:${port}/bacbos`)).toBe(false);
    expect(await canConnect(`postgresql://postgres@127.0.0.1:${port}/bacbos`)).toBe(false);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const cluster = join(dataDir, 'postgres');
    if (isRoot) {
      // The postgres OS user cannot enter the checkout: the binaries were copied and the cluster
      // lives in the system folder, owned by that user, mode 700.
      expect(lstatSync(cluster).isSymbolicLink()).toBe(true);
      expect(readdirSync(systemDir).filter((f) => /^postgres-15\./.test(f) && existsSync(join(systemDir, f, 'bin', 'postgres')))).toHaveLength(1);
    }
    expect(statSync(cluster).mode & 0o777).toBe(0o700);
    // No Unix socket anywhere the server could have put one.
    for (const dir of ['/tmp', '/var/run/postgresql']) {
      if (existsSync(dir)) expect(readdirSync(dir).filter((f) => f === `.s.PGSQL.${port}`)).toEqual([]);
    }
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    expect((await client.query("SELECT setting FROM pg_settings WHERE name = 'listen_addresses'")).rows[0].setting).toBe('127.0.0.1');
    await client.query('CREATE TABLE kept (n int)');
    await client.end();

    // npm start killed with SIGKILL leaves its server behind: the next start stops it and goes on.
    const again = await startEmbeddedPostgres(options);
    running.push(again);
    const reopened = new Client({ connectionString: again.url });
    await reopened.connect();
    expect((await reopened.query("SELECT to_regclass('public.kept') IS NOT NULL AS kept")).rows[0].kept).toBe(true);
    await reopened.end();
    await again.stop();
    expect(await canConnect(again.url)).toBe(false);
  }, 120_000);

  it('says in one line what to do when its port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const dataDir = join(folder(0o700), '.data');
      await expect(startEmbeddedPostgres({ dataDir, port, password: newSuperuserPassword(), systemDir: join(folder(0o755), 'system') }))
        .rejects.toThrow(new RegExp(`^embedded PostgreSQL exited at start: port 127.0.0.1:${port} is in use: stop the other server or set EMBEDDED_PG_PORT$`));
    } finally {
      blocker.close();
    }
  }, 120_000);

  (isRoot ? it : it.skip)('starts as an ordinary OS user from a folder only that user can enter', async () => {
    const home = folder(0o700);
    const nobody = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
    const nogroup = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());
    chownSync(home, nobody, nogroup);
    const result = spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, 'embedded-postgres-probe.ts'), join(home, '.data'), String(await freePort()), newSuperuserPassword()], {
      cwd: root, uid: nobody, gid: nogroup, encoding: 'utf8', timeout: 90_000, env: { PATH: process.env.PATH, HOME: home, TMPDIR: home },
    });
    expect(result.stdout.trim().split('\n').at(-1)).toBe(JSON.stringify({ user: 'postgres' }));
    expect(statSync(join(home, '.data', 'postgres')).uid).toBe(nobody);
  }, 120_000);
});

// Ctrl-C on `npm start`: the terminal sends SIGINT to the whole process group (npm, tsx, node and
// the embedded PostgreSQL at once). The platform must stop cleanly: exit 0, one closing line, no
// stack anywhere, and no PostgreSQL left behind.
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractOperation, gql, ok, signUpTenant } from '../helpers/graphql';
import { EPHEMERAL_PORTS, STACK_LINE, childEnv, freePort, spawnChild, type Child } from '../helpers/process';

jest.setTimeout(240_000);

let dir: string;
let child: Child | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bacbos-npm-start-'));
  chmodSync(dir, 0o755); // as root, the embedded PostgreSQL runs as another OS user
});

afterAll(async () => {
  if (child?.alive()) {
    process.kill(-child.proc.pid!, 'SIGKILL');
    await child.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** npm start's own defaults: embedded database, in-process bus and store, generated secrets. */
const npmStartEnv = async (ports: Record<string, string> = {}) => childEnv({
  ...EPHEMERAL_PORTS,
  ...ports,
  BACBOS_DATA_DIR: dir,
  EMBEDDED_PG_PORT: String(await freePort()),
  DATABASE_URL: undefined, REDIS_URL: undefined, KAFKA_BROKERS: undefined, APP_DB_PASSWORD: undefined,
  INTERNAL_CONTEXT_SECRET: undefined, ACCESS_TOKEN_SECRET: undefined,
});

test('SIGINT to the process group of npm start (embedded PostgreSQL) exits 0 with one line and no stack', async () => {
  const env = await npmStartEnv();
  child = spawnChild('npm', ['start', '--silent'], { env, detached: true }); // its own process group, as in a terminal
  const url = (await child.waitFor(/BAC-BOS is up in \d+ ms: open the playground at (\S+)/, 180_000))[1];
  const tenant = await signUpTenant(url);
  await ok(gql(url, contractOperation('crm', 'CreateContact'), { input: { firstName: 'Ctrl', lastName: 'C', email: `c-${tenant.slug}@example.com` } }, tenant.headers), 'createContact');

  const t0 = Date.now();
  process.kill(-child.proc.pid!, 'SIGINT');
  const exit = await child.exited;
  console.log(`npm start: Ctrl-C → exit in ${Date.now() - t0} ms`);

  expect({ ...exit, output: exit.code === 0 ? '' : child.stdout().slice(-3000) + child.stderr().slice(-2000) }).toEqual({ code: 0, signal: null, output: '' });
  const closing = child.stdout().split('\n').filter((line) => line.includes('stopped'));
  expect(closing).toEqual([expect.stringMatching(/^BAC-BOS stopped on SIGINT in \d+ ms$/)]);
  expect(child.stdout()).not.toMatch(STACK_LINE);
  expect(child.stderr()).not.toMatch(STACK_LINE);
  expect(child.stderr()).not.toMatch(/error/i);
  // The embedded PostgreSQL stopped too (it removes postmaster.pid last).
  expect(existsSync(join(dir, 'postgres', 'postmaster.pid'))).toBe(false);
});

test('a port another process holds: npm start exits 1 with one line naming it and its variable, and stops its PostgreSQL', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as AddressInfo;
  try {
    // The embedded database is running by the time the subgraphs listen.
    child = spawnChild('npm', ['start', '--silent'], { env: await npmStartEnv({ SEARCH_PORT: String(port) }), detached: true });
    const exit = await child.exited;
    expect(exit.code).toBe(1);
    expect(child.stderr().trim().split('\n')).toEqual([`BAC-BOS failed to start: port 127.0.0.1:${port} is in use: stop the other server or set SEARCH_PORT`]);
    expect(child.stdout()).not.toMatch(STACK_LINE);
    expect(existsSync(join(dir, 'postgres', 'postmaster.pid'))).toBe(false);
  } finally {
    holder.close();
  }
});

// A database failover under a running platform: every connection of the platform's database is
// terminated (what a failover or a restart of PostgreSQL does). The process must survive (a pool's
// 'error' event nobody listens to would crash it), the next requests succeed, and the outbox
// relays get their LISTEN connections back, so events keep flowing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { contractOperation, eventually, gql, ok, signUpTenant, type TestTenant } from '../helpers/graphql';
import { EPHEMERAL_PORTS, STACK_LINE, childEnv, spawnEntry, type Child } from '../helpers/process';

jest.setTimeout(180_000);

let child: Child;
let url: string;
let dataDir: string;
let tenant: TestTenant;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bacbos-failover-'));
  child = spawnEntry('scripts/start.ts', childEnv({ ...EPHEMERAL_PORTS, BACBOS_DATA_DIR: dataDir }));
  url = (await child.waitFor(/BAC-BOS is up in \d+ ms: open the playground at (\S+)/))[1];
  tenant = await signUpTenant(url);
});

afterAll(async () => {
  if (child?.alive()) {
    child.proc.kill('SIGTERM');
    await child.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function terminateAllConnections(): Promise<number> {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows[0].n;
  } finally {
    await db.end();
  }
}

test('the platform survives its database connections being terminated, and the next requests succeed', async () => {
  const created = await ok(gql(url, contractOperation('crm', 'CreateContact'), { input: { firstName: 'Before', lastName: 'Failover', email: `before-${tenant.slug}@example.com` } }, tenant.headers), 'createContact');
  expect(created.id).toBeTruthy();

  // Pools, the relays' LISTEN connections, the audit ingester: all of them.
  expect(await terminateAllConnections()).toBeGreaterThanOrEqual(6);

  const t0 = Date.now();
  const after = await eventually(
    () => gql(url, contractOperation('crm', 'CreateContact'), { input: { firstName: 'After', lastName: 'Failover', email: `after-${Date.now()}@example.com` } }, tenant.headers),
    (r) => !r.errors && Boolean(r.data?.createContact?.id),
    'a mutation to succeed after the failover',
    5_000,
  );
  const recoveredMs = Date.now() - t0;
  const list = await ok(gql(url, contractOperation('crm', 'Contacts'), { first: 10 }, tenant.headers), 'contacts');
  expect(list.totalCount).toBe(2);
  console.log(`failover: first successful mutation ${recoveredMs} ms after every connection was terminated`);

  // Each of the five relays replaced its LISTEN connection, and the new contact's event was published.
  await eventually(async () => (child.stdout().match(/outbox listener reconnected/g) ?? []).length, (n) => n === 5, 'five relays to listen again', 10_000);
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    await eventually(
      async () => (await db.query('SELECT published_at FROM crm.outbox WHERE aggregate_id = $1', [after.data!.createContact.id])).rows,
      (rows) => rows.length === 1 && rows[0].published_at !== null,
      'the event of the mutation after the failover to be published',
      10_000,
    );
  } finally {
    await db.end();
  }

  expect(child.alive()).toBe(true);
  // The losses are reported in one line each, never with a stack.
  expect(child.stdout()).toMatch(/connection lost; it will be replaced/);
  expect(child.stderr()).toBe('');
  for (const line of child.stdout().split('\n').filter((l) => l.includes('connection lost'))) expect(line).not.toMatch(STACK_LINE);
});

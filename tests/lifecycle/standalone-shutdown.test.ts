// SIGTERM under load to the platform's standalone processes (gateway/src/main.ts and each
// subgraphs/*/src/main.ts, as docker-compose and the topology run them), on the real PostgreSQL,
// Redis and Kafka. Requests are held in flight by a row lock the test owns, so "already accepted"
// is certain (their statements wait in pg_stat_activity) when the signal arrives:
// - the gateway and the crm subgraph, signalled together, stop accepting and still answer every
//   one of those requests in full once the lock goes;
// - a WebSocket subscriber is closed with 1001 (going away), so it reconnects elsewhere;
// - every process exits 0 with one line and nothing on stderr.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { SUBGRAPHS } from '@bacbos/common';
import { contractOperation, eventually, gql, ok, signUpTenant } from '../helpers/graphql';
import { STACK_LINE, childEnv, freePort, repoRoot, spawnEntry, warnings, type Child } from '../helpers/process';
import { subscribe, waitFor } from '../subscriptions/helpers';

jest.setTimeout(240_000);

const IN_FLIGHT = 8;
const children = new Map<string, Child>();
let dir: string;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bacbos-standalone-'));
  const ports: Record<string, number> = {};
  for (const name of [...SUBGRAPHS, 'gateway']) ports[name] = await freePort();
  // The committed supergraph names docker-compose hosts; point it at this run's ports.
  let supergraph = readFileSync(join(repoRoot, 'schema', 'supergraph.graphql'), 'utf8');
  for (const name of SUBGRAPHS) supergraph = supergraph.replace(new RegExp(`http://${name}:\\d+/graphql`), `http://127.0.0.1:${ports[name]}/graphql`);
  writeFileSync(join(dir, 'supergraph.graphql'), supergraph);
  const env = childEnv({
    HOST: '127.0.0.1',
    SUPERGRAPH_PATH: join(dir, 'supergraph.graphql'),
    SHUTDOWN_TIMEOUT_MS: '10000',
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [`${name.toUpperCase()}_PORT`, String(port)])),
  });
  for (const name of SUBGRAPHS) children.set(name, spawnEntry(`subgraphs/${name}/src/main.ts`, env));
  await Promise.all(SUBGRAPHS.map((name) => children.get(name)!.waitFor(/"msg":"subgraph listening"/)));
  children.set('gateway', spawnEntry('gateway/src/main.ts', env));
  await children.get('gateway')!.waitFor(/"msg":"gateway listening"/);
  url = `http://127.0.0.1:${ports.gateway}/graphql`;
});

afterAll(async () => {
  for (const child of children.values()) if (child.alive()) child.proc.kill('SIGKILL');
  await Promise.all([...children.values()].map((c) => c.exited));
  rmSync(dir, { recursive: true, force: true });
});

test('SIGTERM with requests in flight: each gets its full answer, WebSockets close with 1001, every process exits 0 with one line', async () => {
  const tenant = await signUpTenant(url);
  const contact = await ok(gql(url, contractOperation('crm', 'CreateContact'), { input: { firstName: 'Held', lastName: 'InFlight', email: `held-${tenant.slug}@example.com` } }, tenant.headers), 'createContact');
  const subscriber = await subscribe(url, tenant.accessToken, contractOperation('crm', 'ContactEvents'));

  const locker = new Client({ connectionString: process.env.DATABASE_URL });
  const observer = new Client({ connectionString: process.env.DATABASE_URL });
  await Promise.all([locker.connect(), observer.connect()]);
  const gateway = children.get('gateway')!;
  const crm = children.get('crm')!;
  let released = 0;
  const beforeSignal = new Map<string, number>();
  try {
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM crm.contacts WHERE id = $1 FOR UPDATE', [contact.id]);
    const inFlight = Array.from({ length: IN_FLIGHT }, (_, i) =>
      gql(url, contractOperation('crm', 'UpdateContact'), { id: contact.id, input: { firstName: `Held${i}` } }, tenant.headers),
    );
    // Every one of them reached the crm subgraph and waits for the lock (seen from another
    // connection: inside a transaction pg_stat_activity is a snapshot).
    await eventually(
      async () => (await observer.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0].n,
      (n) => n === IN_FLIGHT,
      'the requests to wait for the row lock',
    );

    for (const [name, child] of children) beforeSignal.set(name, child.stdout().length);
    const signalledAt = Date.now();
    gateway.proc.kill('SIGTERM');
    crm.proc.kill('SIGTERM');

    await waitFor(() => subscriber.closeCode !== undefined, 'the subscriber to be closed', 5_000);
    expect(subscriber.closeCode).toBe(1001);
    // Not accepting any more: a new request is refused, not queued.
    await eventually(
      () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }).then(() => 'accepted', (e: { cause?: { code?: string } }) => e.cause?.code ?? 'failed'),
      (outcome) => outcome === 'ECONNREFUSED',
      'the gateway to refuse new connections',
      3_000,
    );
    expect(gateway.alive()).toBe(true); // still finishing what it accepted
    // Held long enough to be sure the shutdown waits for them; well within Prisma's 5 s
    // interactive-transaction timeout, which would fail them on its own.
    await new Promise((r) => setTimeout(r, Math.max(0, 1_000 - (Date.now() - signalledAt))));

    await locker.query('COMMIT');
    released = Date.now();
    const answers = await Promise.all(inFlight);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.updateContact?.id).toBe(contact.id);
    }
    const [gatewayExit, crmExit] = await Promise.all([gateway.exited, crm.exited]);
    const exitedAt = Date.now();
    expect(gatewayExit).toEqual({ code: 0, signal: null });
    expect(crmExit).toEqual({ code: 0, signal: null });
    console.log(
      `shutdown under load: SIGTERM → exit ${exitedAt - signalledAt} ms (${IN_FLIGHT} requests held ${released - signalledAt} ms by the test's lock; ` +
        `exit ${exitedAt - released} ms after they were released)`,
    );
  } finally {
    await locker.query('ROLLBACK').catch(() => undefined);
    await Promise.all([locker.end(), observer.end()]);
  }

  // The other subgraphs: idle, leave their consumer groups and stop.
  const rest = SUBGRAPHS.filter((name) => name !== 'crm').map((name) => children.get(name)!);
  expect(rest.every((child) => child.alive())).toBe(true);
  const t0 = Date.now();
  for (const child of rest) child.proc.kill('SIGTERM');
  for (const child of rest) expect(await child.exited).toEqual({ code: 0, signal: null });
  console.log(`idle subgraphs (platform, office, identity, hr) stopped in ${Date.now() - t0} ms`);

  // The access log is written asynchronously: the lines of the requests answered last, just
  // before the exit, are still all there (flushed at the stop), and before the closing line.
  const gatewayLines = children.get('gateway')!.stdout().split('\n');
  const heldLines = gatewayLines.filter((line) => line.includes('"msg":"graphql request"') && line.includes('"operation":"UpdateContact"'));
  expect(heldLines.map((line) => (JSON.parse(line) as { status: number }).status)).toEqual(Array(IN_FLIGHT).fill(200));
  expect(gatewayLines.findIndex((line) => line.includes(' stopped on '))).toBeGreaterThan(gatewayLines.indexOf(heldLines[IN_FLIGHT - 1]));

  for (const [name, child] of children) {
    const lines = child.stdout().split('\n').filter((line) => line.includes(' stopped on '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`"msg":"${name} stopped on SIGTERM in \\d+ ms"`));
    expect(child.stderr()).toBe('');
    expect(child.stdout()).not.toMatch(STACK_LINE);
    // Stopping warns about nothing (the subgraphs other than crm were signalled later still).
    expect(warnings(child.stdout().slice(beforeSignal.get(name)))).toEqual([]);
  }
});

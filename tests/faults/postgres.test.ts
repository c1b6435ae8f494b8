// PostgreSQL restarted under load (README, "Faults"): the platform runs against a private cluster
// while clients create and list contacts without pause; the cluster is stopped (fast shutdown:
// every session terminated, as an operator's restart or a failover does) and started again.
// Requests in flight and during the outage fail with the contract's INTERNAL_SERVER_ERROR marked
// `unavailable` (never a stack, never an HTML page), the pools and the outbox relays recover with
// no process restart, every mutation that succeeded is stored with its event, and the event of
// every stored change is published once the database is back.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { contractOperation as op, gql, signUpTenant, type GraphQLResponse, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { STACK_LINE } from '../helpers/process';
import { PrivatePostgres } from './private-services';

jest.setTimeout(180_000);

let pg: PrivatePostgres;
let platform: RunningPlatform;
let tenant: TestTenant;

beforeAll(async () => {
  pg = await PrivatePostgres.start();
  process.env.DATABASE_URL = pg.url();
  delete process.env.KAFKA_BROKERS; // the in-process bus: this test is about the database
  platform = await startPlatform();
  tenant = await signUpTenant(platform.gatewayUrl, 'Postgres restart');
});

afterAll(async () => {
  await platform?.stop();
  await pg?.destroy();
});

interface Sample {
  op: 'create' | 'list';
  startedAt: number;
  endedAt: number;
  status: number;
  response: GraphQLResponse;
  email?: string;
}

test('a restart of PostgreSQL under load: clean unavailable errors while it is away, recovery without a process restart, no stored change without its event', async () => {
  const url = platform.gatewayUrl;
  const samples: Sample[] = [];
  let running = true;
  const worker = async (n: number) => {
    for (let i = 0; running; i += 1) {
      const create = i % 2 === 0;
      const email = `pg-${n}-${i}-${randomUUID().slice(0, 8)}@restart.example`;
      const startedAt = Date.now();
      const response = create
        ? await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Load', lastName: `${n}`, email } }, tenant.headers)
        : await gql(url, '{ contacts(first: 5) { totalCount } }', {}, tenant.headers);
      samples.push({ op: create ? 'create' : 'list', startedAt, endedAt: Date.now(), status: response.status, response, ...(create ? { email } : {}) });
    }
  };
  const workers = [0, 1, 2, 3].map(worker);

  await new Promise((r) => setTimeout(r, 2_000));
  const stopAt = Date.now();
  await pg.stop('fast');
  const stoppedAt = Date.now();
  await new Promise((r) => setTimeout(r, 2_000));
  await pg.up();
  const upAt = Date.now();
  // Load goes on until every worker has had 5 s of successes in a row after the restart.
  const firstSuccessAfterUp = () => samples.find((s) => s.startedAt >= upAt && !s.response.errors)?.endedAt;
  while (!firstSuccessAfterUp() || Date.now() - firstSuccessAfterUp()! < 5_000) {
    if (Date.now() - upAt > 60_000) throw new Error('no recovery within 60 s of the database returning');
    await new Promise((r) => setTimeout(r, 100));
  }
  running = false;
  await Promise.all(workers);
  const recoveredAt = firstSuccessAfterUp()!;

  // Every answer is JSON with contract codes; a failure is the outage answer, nothing else.
  const failed = samples.filter((s) => s.response.errors);
  for (const s of samples) {
    expect([200, 503]).toContain(s.status);
    expect(JSON.stringify(s.response)).not.toMatch(STACK_LINE);
  }
  for (const s of failed) {
    expect(s.response.errors!.map((e) => e.extensions)).toEqual(s.response.errors!.map(() => expect.objectContaining({ code: 'INTERNAL_SERVER_ERROR', unavailable: true })));
  }
  expect(failed.length).toBeGreaterThan(0); // the fault did hit requests
  // No failure outside the fault window: before the stop, and from a second after recovery on.
  expect(failed.filter((s) => s.endedAt < stopAt || s.startedAt > recoveredAt + 1_000)).toEqual([]);

  // Each mutation that answered success is stored, and every stored change has its event, published.
  const created = samples.filter((s) => s.op === 'create' && !s.response.errors).map((s) => s.email!);
  const db = new Client({ connectionString: pg.url() });
  await db.connect();
  try {
    const stored = await db.query<{ email: string; id: string }>("SELECT id, email FROM crm.contacts WHERE email LIKE '%@restart.example'");
    const storedEmails = new Set(stored.rows.map((r) => r.email));
    expect(created.filter((e) => !storedEmails.has(e))).toEqual([]);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await db.query<{ pending: number; missing: number }>(
        `SELECT (SELECT count(*)::int FROM crm.outbox WHERE published_at IS NULL) AS pending,
                (SELECT count(*)::int FROM crm.contacts c WHERE c.email LIKE '%@restart.example'
                   AND NOT EXISTS (SELECT 1 FROM crm.outbox o WHERE o.aggregate_id = c.id AND o.type = 'crm.contact.created')) AS missing`,
      );
      expect(rows[0].missing).toBe(0);
      if (rows[0].pending === 0) break;
      if (Date.now() > deadline) throw new Error(`${rows[0].pending} events still unpublished 30 s after the restart`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await db.end();
  }

  const firstFailure = Math.min(...failed.map((s) => s.endedAt));
  const lastFailure = Math.max(...failed.map((s) => s.endedAt));
  process.stdout.write(
    `faults/postgres: ${samples.length} requests, ${failed.length} failed (all 'unavailable'), from ${firstFailure - stopAt} ms after the stop began ` +
    `(shutdown took ${stoppedAt - stopAt} ms, down ${upAt - stoppedAt} ms) to ${lastFailure - upAt} ms after it was back; ` +
    `first success ${recoveredAt - upAt} ms after it was back; ${created.length} contacts created, every event published\n`,
  );
});

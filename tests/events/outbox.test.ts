// Transactional outbox end to end: a committed mutation produces exactly its event on the bus
// (Kafka in CI), a failed one produces none, and one object's events arrive in commit order.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { OutboxRelay, rootLogger, topicFor, type EventBus, type EventEnvelope } from '@bacbos/common';
import { codeOf, contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let tenant: TestTenant;
const received: EventEnvelope[] = [];
let stopConsumer: () => Promise<void>;

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  tenant = await signUpTenant(url, 'Events');
  stopConsumer = await platform.bus.subscribe({ groupId: `test-${randomUUID()}`, topics: [topicFor('crm')], onEvent: (e) => void received.push(e) });
});
afterAll(async () => {
  await stopConsumer();
  await platform.stop();
});

async function eventsFor(aggregateId: string, count: number, ms = 45_000): Promise<EventEnvelope[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = received.filter((e) => e.aggregateId === aggregateId);
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`expected ${count} events for ${aggregateId}, got ${found.length}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function outboxRows(where: string, params: unknown[]): Promise<number> {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    return (await db.query(`SELECT count(*)::int AS n FROM crm.outbox WHERE ${where}`, params)).rows[0].n;
  } finally {
    await db.end();
  }
}

it('publishes one event per committed mutation, with the envelope and the audit entry', async () => {
  const res = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Eve', lastName: 'Event', email: 'eve@events.example', tags: ['x'] } }, { ...tenant.headers, 'user-agent': 'events-test' });
  const id = res.data!.createContact.id;
  const [event] = await eventsFor(id, 1);
  expect(event).toMatchObject({
    source: 'crm', tenantId: tenant.tenantId, type: 'crm.contact.created', aggregateType: 'Contact', aggregateId: id, version: 1,
    actor: { userId: tenant.userId, apiKeyId: null },
    payload: {
      data: { id, firstName: 'Eve', email: 'eve@events.example', tags: ['x'] },
      audit: { action: 'create', resourceType: 'Contact', resourceId: id, userId: tenant.userId, userAgent: 'events-test', changes: { email: { from: null, to: 'eve@events.example' } } },
    },
  });
  expect(Date.parse(event.occurredAt)).not.toBeNaN();
  expect(await outboxRows('aggregate_id = $1 AND published_at IS NOT NULL', [id])).toBe(1);
});

it('writes and publishes nothing for a failed mutation', async () => {
  const before = await outboxRows('tenant_id = $1', [tenant.tenantId]);
  const dup = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Eve', lastName: 'Again', email: 'eve@events.example' } }, tenant.headers);
  expect(codeOf(dup)).toBe('CONFLICT');
  const lead = await gql(url, op('crm', 'ConvertLead'), { id: randomUUID(), input: { name: 'x', amount: '1.00' } }, tenant.headers);
  expect(codeOf(lead)).toBe('NOT_FOUND');
  expect(await outboxRows('tenant_id = $1', [tenant.tenantId])).toBe(before);
});

it('delivers the events of one object in commit order', async () => {
  const res = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Ord', lastName: 'Er', email: 'order@events.example' } }, tenant.headers);
  const id = res.data!.createContact.id;
  // Concurrent updates: the row lock serialises them; the events must follow the commit order.
  await Promise.all([...Array(10).keys()].map((n) => gql(url, op('crm', 'UpdateContact'), { id, input: { title: `v${n}` } }, tenant.headers)));
  const events = await eventsFor(id, 11);
  const seqs = events.map((e) => BigInt(e.seq));
  expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  // Each update's "from" is the previous event's "to": nothing was reordered.
  const titles = events.slice(1).map((e) => (e.payload.audit!.changes as any).title);
  for (let i = 1; i < titles.length; i += 1) expect(titles[i].from).toBe(titles[i - 1].to);
  expect(new Set(events.map((e) => e.id)).size).toBe(11);
});

async function withDb<T>(fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

/** A scratch outbox shaped like crm's, so no running relay touches its rows; dropped afterwards. */
async function withScratchOutbox(fn: (db: Client, schema: string) => Promise<void>): Promise<void> {
  const schema = `scratch_${randomUUID().slice(0, 8)}`;
  await withDb(async (db) => {
    await db.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.outbox (LIKE crm.outbox INCLUDING ALL)`);
    await db.query(`ALTER TABLE ${schema}.outbox DISABLE ROW LEVEL SECURITY`);
    try {
      await fn(db, schema);
    } finally {
      await db.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });
}

const insertEvent = (db: Client, schema: string, aggregateId: string, age: string, published: boolean) =>
  db.query(
    `INSERT INTO ${schema}.outbox (tenant_id, aggregate_type, aggregate_id, type, occurred_at, published_at)
     VALUES ($1, 'Contact', $2, 'crm.contact.updated', now() - $3::interval, ${published ? 'now()' : 'NULL'}) RETURNING id`,
    [tenant.tenantId, aggregateId, age],
  ).then((r) => r.rows[0].id as string);

it('publishes a batch in numeric seq order (10 after 9, 100 after 99)', async () => {
  await withScratchOutbox(async (db, schema) => {
    const aggregateId = randomUUID();
    for (let n = 0; n < 120; n += 1) await insertEvent(db, schema, aggregateId, '0 seconds', false);
    const published: EventEnvelope[] = [];
    const capture: EventBus = { kind: 'memory', publish: async (_topic, events) => void published.push(...events), subscribe: async () => async () => undefined, ping: async () => undefined, close: async () => undefined };
    const relay = new OutboxRelay({ connectionString: process.env.DATABASE_URL!, subgraph: schema, bus: capture, log: rootLogger, batchSize: 50 });
    try {
      while ((await relay.publishBatch()) > 0);
    } finally {
      await relay.stop();
    }
    const seqs = published.map((e) => Number(e.seq));
    expect(seqs).toHaveLength(120);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});

describe('retention', () => {
  it('deletes published events past the retention, never unpublished or recent ones', async () => {
    await withScratchOutbox(async (db, schema) => {
      const oldPublished = await Promise.all([insertEvent(db, schema, randomUUID(), '9 days', true), insertEvent(db, schema, randomUUID(), '8 days', true)]);
      const oldUnpublished = await insertEvent(db, schema, randomUUID(), '30 days', false);
      const recent = await insertEvent(db, schema, randomUUID(), '6 days', true);
      const relay = new OutboxRelay({ connectionString: process.env.DATABASE_URL!, subgraph: schema, bus: platform.bus, log: rootLogger, retentionMs: 7 * 24 * 3_600_000 });
      try {
        expect(await relay.prune()).toBe(2);
        const left = (await db.query(`SELECT id FROM ${schema}.outbox`)).rows.map((r) => r.id as string);
        expect(left.sort()).toEqual([oldUnpublished, recent].sort());
        expect(left).not.toContain(oldPublished[0]);
        expect(await relay.prune()).toBe(0);
      } finally {
        await relay.stop();
      }
    });
  });

  it('a resume from a pruned event id is a clear BAD_USER_INPUT, and later events still resume', async () => {
    const create = async (email: string) => {
      const res = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Ret', lastName: 'Ention', email } }, tenant.headers);
      const id = res.data!.createContact.id as string;
      return (await eventsFor(id, 1))[0];
    };
    const old = await create('old@retention.example');
    const kept = await create('kept@retention.example');
    const later = await create('later@retention.example');
    await withDb((db) => db.query(`UPDATE crm.outbox SET occurred_at = now() - interval '30 days' WHERE id = $1`, [old.id]));
    const relay = platform.subgraphs.find((s) => s.name === 'crm')!.relay!;
    expect(await relay.prune()).toBeGreaterThanOrEqual(1);
    expect(await outboxRows('id = $1', [old.id])).toBe(0);

    const query = 'query($eventId: ID!) { contactEventsAfter(eventId: $eventId) { eventId contact { email } } }';
    const gone = await gql(url, query, { eventId: old.id }, tenant.headers);
    expect(codeOf(gone)).toBe('BAD_USER_INPUT');
    expect(gone.errors![0].message).toMatch(/older than the event history kept/);
    const resumed = await gql(url, query, { eventId: kept.id }, tenant.headers);
    expect(resumed.data!.contactEventsAfter.map((e: { eventId: string }) => e.eventId)).toContain(later.id);
  });
});

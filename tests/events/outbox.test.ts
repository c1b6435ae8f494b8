// Transactional outbox end to end: a committed mutation produces exactly its event on the bus
// (Kafka in CI), a failed one produces none, and one object's events arrive in commit order.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { topicFor, type EventEnvelope } from '@bacbos/common';
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

async function eventsFor(aggregateId: string, count: number, ms = 15_000): Promise<EventEnvelope[]> {
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

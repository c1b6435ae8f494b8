// Kafka faults (README, "Faults") against a private three-broker KRaft cluster (replication factor
// 3, min.insync.replicas 2, started by scripts/services.sh with a run folder and ports of its own;
// the shared cluster is never touched), the platform in this process, and a live subscriber on the
// gateway's WebSocket, as a client sees it:
// - one broker (the one leading most of the crm topic) SIGKILLed under a steady writer: no
//   mutation fails, and the subscriber receives every committed event exactly once, in commit
//   order per contact;
// - all three brokers SIGKILLed: mutations still commit, the outbox grows with each one, and once
//   the cluster is back every one of those events reaches the still-connected subscriber, in
//   order per contact, once, and the outbox has nothing left unpublished.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { topicFor } from '@bacbos/common';
import { contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { subscribe, waitFor, type Collected } from '../subscriptions/helpers';
import { PrivateKafka } from './private-services';

jest.setTimeout(300_000);

interface ContactEvent { eventId: string; type: string; contact: { id: string; title: string | null; email: string } }
type Payload = { contactEvents: ContactEvent };
/** What a committed mutation must produce on the stream: the contact and its title after it. */
interface Committed { contactId: string; type: 'created' | 'updated'; title: string | null; committedAt: number }

const SUBSCRIPTION = 'subscription { contactEvents { eventId type contact { id title email } } }';

let kafka: PrivateKafka;
let platform: RunningPlatform;
let url: string;
let tenant: TestTenant;
let sub: Collected<Payload>;
const deliveredAt = new Map<string, number>();

beforeAll(async () => {
  kafka = await PrivateKafka.start();
  process.env.KAFKA_BROKERS = kafka.brokers;
  platform = await startPlatform();
  url = platform.gatewayUrl;
  tenant = await signUpTenant(url, 'Kafka faults');
  sub = await subscribe<Payload>(url, tenant.accessToken, SUBSCRIPTION, {}, platform.gateway.hub);
  // When each event arrived, for the commit-to-subscriber latency (the helper only collects).
  const push = sub.values.push.bind(sub.values);
  sub.values.push = (...items: Payload[]) => {
    for (const item of items) deliveredAt.set(item.contactEvents.eventId, Date.now());
    return push(...items);
  };
}, 300_000);

afterAll(async () => {
  await sub?.dispose();
  await platform?.stop();
  await kafka?.destroy();
}, 120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One contact's life: created, then its title changed `updates` times; every commit recorded. */
async function writeContact(prefix: string, n: number, updates: number, committed: Committed[], failures: unknown[]): Promise<void> {
  const email = `${prefix}-${n}@kafka-faults.example`;
  const created = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'K', lastName: `${n}`, email } }, tenant.headers);
  if (created.errors) return void failures.push(created.errors);
  const id = created.data!.createContact.id as string;
  committed.push({ contactId: id, type: 'created', title: null, committedAt: Date.now() });
  for (let u = 1; u <= updates; u += 1) {
    const res = await gql(url, op('crm', 'UpdateContact'), { id, input: { title: `t${u}` } }, tenant.headers);
    if (res.errors) return void failures.push(res.errors);
    committed.push({ contactId: id, type: 'updated', title: `t${u}`, committedAt: Date.now() });
  }
}

/** The stream as the subscriber saw it, for the contacts of `committed` only. */
function received(committed: Committed[]): ContactEvent[] {
  const ids = new Set(committed.map((c) => c.contactId));
  return sub.values.map((v) => v.contactEvents).filter((e) => ids.has(e.contact.id));
}

/** Exactly the committed events, each once, in commit order per contact. */
function expectDeliveredOnceInOrder(committed: Committed[]): void {
  const events = received(committed);
  expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length); // none twice
  const byContact = (list: { contactId: string; type: string; title: string | null }[]) => {
    const map = new Map<string, string[]>();
    for (const e of list) map.set(e.contactId, [...(map.get(e.contactId) ?? []), `${e.type}:${e.title}`]);
    return map;
  };
  const seen = byContact(events.map((e) => ({ contactId: e.contact.id, type: e.type, title: e.contact.title })));
  expect(seen).toEqual(byContact(committed)); // none lost, per-contact commit order
}

/** The broker leading most partitions of the crm topic (ties: the lowest id). */
async function crmLeader(): Promise<number> {
  const admin = new Kafka({ clientId: 'kafka-faults-test', brokers: kafka.brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topicFor('crm')] });
    const counts = new Map<number, number>();
    for (const p of topics[0].partitions) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  } finally {
    await admin.disconnect();
  }
}

async function unpublished(): Promise<number> {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM crm.outbox WHERE tenant_id = $1 AND published_at IS NULL', [tenant.tenantId]);
    return rows[0].n as number;
  } finally {
    await db.end();
  }
}

test('one broker of three SIGKILLed under load: no mutation fails, the subscriber gets every event once, in order', async () => {
  const prefix = randomUUID().slice(0, 8);
  const committed: Committed[] = [];
  const failures: unknown[] = [];
  let writing = true;
  const writer = async (w: number) => {
    for (let n = 0; writing; n += 1) await writeContact(`${prefix}-${w}`, n, 2, committed, failures);
  };
  const writers = [writer(0), writer(1)];
  await waitFor(() => received(committed).length >= 10, 'events before the fault', 60_000);

  const victim = await crmLeader();
  const killedAt = Date.now();
  await kafka.kill(victim);
  await sleep(10_000); // past the controller's fencing (broker.session.timeout.ms 6 s): leaders move
  const restartAt = Date.now();
  await kafka.up();
  const backAt = Date.now();
  await sleep(2_000);
  writing = false;
  await Promise.all(writers);

  await waitFor(() => received(committed).length >= committed.length, 'every committed event', 90_000);
  await sleep(1_000); // a late duplicate would show now
  expect(failures).toEqual([]);
  expectDeliveredOnceInOrder(committed);
  const events = received(committed);
  const commitOf = new Map(committed.map((c) => [`${c.contactId}:${c.type}:${c.title}`, c.committedAt]));
  const latencies = events.map((e) => deliveredAt.get(e.eventId)! - commitOf.get(`${e.contact.id}:${e.type}:${e.contact.title}`)!);
  const duringFault = committed.filter((c) => c.committedAt >= killedAt && c.committedAt <= restartAt).length;
  expect(duringFault).toBeGreaterThan(0);
  process.stdout.write(
    `faults/kafka-broker: node ${victim} (crm leader) killed for ${restartAt - killedAt} ms, back in ${backAt - restartAt} ms; ${committed.length} events ` +
    `(${duringFault} committed while it was down), 0 failed mutations, 0 lost, 0 duplicated; commit-to-subscriber max ${Math.max(...latencies)} ms\n`,
  );
});

test('all of Kafka down: mutations commit, the outbox grows, and after recovery everything reaches the subscriber in order', async () => {
  const prefix = randomUUID().slice(0, 8);
  const committed: Committed[] = [];
  const failures: unknown[] = [];
  await Promise.all(PrivateKafka.NODES.map((n) => kafka.kill(n)));
  const downAt = Date.now();

  const backlog: number[] = [await unpublished()];
  for (let n = 0; n < 3; n += 1) {
    await writeContact(prefix, n, 4, committed, failures);
    backlog.push(await unpublished());
  }
  expect(failures).toEqual([]); // writes never depend on the broker
  expect(committed).toHaveLength(15);
  for (let i = 1; i < backlog.length; i += 1) expect(backlog[i]).toBeGreaterThanOrEqual(backlog[i - 1] + 5); // grows with each contact's 5 commits
  expect(received(committed)).toEqual([]);

  const upAt = Date.now();
  await kafka.up();
  const servingAt = Date.now();
  await waitFor(() => received(committed).length >= committed.length, 'the events committed while Kafka was down', 120_000);
  const deliveredAll = Date.now();
  await sleep(1_000);
  expectDeliveredOnceInOrder(committed);
  expect(await unpublished()).toBe(0);
  process.stdout.write(
    `faults/kafka-down: ${committed.length} mutations committed during the ${upAt - downAt} ms outage (outbox ${backlog.join(' → ')}); all delivered ` +
    `${deliveredAll - upAt} ms after the brokers were started (services.sh saw all three serving after ${servingAt - upAt} ms), in order, 0 lost, 0 duplicated\n`,
  );
});

// Live subscriptions through the gateway (graphql-ws), fed from the event bus (Kafka in CI):
// the contract's ContactEvents, tenant isolation, order, two gateway instances, resume without
// gap or duplicate, one federated execution per event and selection, revocation.
import { randomUUID } from 'node:crypto';
import { KafkaEventBus, MemoryEventBus, sqlStatementCounts, type EventBus } from '@bacbos/common';
import { startGateway, type RunningGateway } from '@bacbos/gateway';
import { composeSupergraph } from '../../scripts/compose';
import { contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { subscribe, waitFor, type Collected } from './helpers';

let platform: RunningPlatform;
let url: string;
let a: TestTenant;
let b: TestTenant;
const open: Collected[] = [];

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  a = await signUpTenant(url, 'Subs A');
  b = await signUpTenant(url, 'Subs B');
});
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.dispose()));
});
afterAll(() => platform.stop());

const hub = () => platform.gateway.hub!;
const track = (c: Collected) => (open.push(c), c);
const createContact = (tenant: TestTenant, email: string) =>
  gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Live', lastName: 'Contact', email } }, tenant.headers);

it('delivers ContactEvents with fields from two subgraphs (actor from platform)', async () => {
  const sub = track(await subscribe(url, a.accessToken, op('crm', 'ContactEvents'), {}, hub()));
  const created = (await createContact(a, 'live1@a.example')).data!.createContact;
  await waitFor(() => sub.values.length === 1, 'one event');
  expect(sub.values[0]).toEqual({
    contactEvents: { type: 'created', contact: { id: created.id, firstName: 'Live', lastName: 'Contact', email: 'live1@a.example', status: 'active' }, actor: { id: a.userId, email: a.email } },
  });
  await gql(url, op('crm', 'UpdateContact'), { id: created.id, input: { status: 'inactive' } }, a.headers);
  await gql(url, op('crm', 'DeleteContact'), { id: created.id }, a.headers);
  await waitFor(() => sub.values.length === 3, 'three events');
  expect(sub.values.map((v) => [v.contactEvents.type, v.contactEvents.contact.status])).toEqual([['created', 'active'], ['updated', 'inactive'], ['deleted', 'inactive']]);
});

it('never delivers one tenant\'s events to another, and nothing for a rolled-back mutation', async () => {
  const subA = track(await subscribe(url, a.accessToken, op('crm', 'ContactEvents'), {}, hub()));
  const subB = track(await subscribe(url, b.accessToken, op('crm', 'ContactEvents'), {}, hub()));
  await createContact(a, 'iso1@a.example');
  const dup = await createContact(a, 'iso1@a.example'); // CONFLICT: rolled back
  expect(dup.errors?.[0].extensions?.code).toBe('CONFLICT');
  await createContact(b, 'iso1@b.example');
  await waitFor(() => subA.values.length >= 1 && subB.values.length >= 1, 'both tenants\' events');
  // A marker event after everything else: once it arrives, nothing else can still be in flight.
  await createContact(a, 'marker@a.example');
  await waitFor(() => subA.values.length === 2, 'the marker');
  expect(subA.values.map((v) => v.contactEvents.contact.email)).toEqual(['iso1@a.example', 'marker@a.example']);
  expect(subB.values.map((v) => v.contactEvents.contact.email)).toEqual(['iso1@b.example']);
});

it('delivers one object\'s events in commit order', async () => {
  const sub = track(await subscribe(url, a.accessToken, 'subscription { contactEvents { type changes contact { id title } } }', {}, hub()));
  const id = (await createContact(a, 'order@a.example')).data!.createContact.id;
  for (let n = 0; n < 10; n += 1) await gql(url, op('crm', 'UpdateContact'), { id, input: { title: `t${n}` } }, a.headers);
  await waitFor(() => sub.values.length === 11, 'eleven events');
  expect(sub.values.slice(1).map((v) => v.contactEvents.contact.title)).toEqual([...Array(10).keys()].map((n) => `t${n}`));
});

it('runs the federated payload query once per event and selection, not once per subscriber', async () => {
  const registered = hub().registered;
  const subs = await Promise.all([...Array(5).keys()].map(() => subscribe(url, a.accessToken, op('crm', 'ContactEvents'))));
  subs.forEach(track);
  await waitFor(() => hub().registered >= registered + 5, 'five subscriptions');
  const before = hub().executions;
  await createContact(a, 'fanout@a.example');
  await waitFor(() => subs.every((s) => s.values.length === 1), 'every subscriber');
  expect(hub().executions - before).toBe(1);
});

it('resolves a backlog of events (one aliased payload query) with one read of the outbox, each event as if alone', async () => {
  const subA = track(await subscribe(url, a.accessToken, 'subscription { contactEvents { eventId contact { email } } }', {}, hub()));
  const subB = track(await subscribe(url, b.accessToken, 'subscription { contactEvents { eventId contact { email } } }', {}, hub()));
  for (let n = 0; n < 5; n += 1) await createContact(a, `backlog${n}@a.example`);
  await createContact(b, 'backlog@b.example');
  await waitFor(() => subA.values.length === 5 && subB.values.length === 1, 'the events');
  const ids = subA.values.map((v) => v.contactEvents.eventId as string);
  const theirs = subB.values[0].contactEvents.eventId as string;
  // What the gateway sends for a group whose events waited for a slot (derive.ts's eventBatchQuery),
  // with another tenant's event and an unknown id among them.
  const all = [...ids, theirs, randomUUID()];
  const query = `query BacbosSubscriptionEvent(${all.map((_, i) => `$e${i}: ID!`).join(', ')}) { ${all.map((_, i) => `bacbosEvent${i}: contactEvent(eventId: $e${i}) { eventId contact { email } }`).join(' ')} }`;
  const statements = sqlStatementCounts.crm ?? 0;
  const answer = await gql(url, query, Object.fromEntries(all.map((id, i) => [`e${i}`, id])), a.headers);
  expect(answer.errors).toBeUndefined();
  expect(all.map((_, i) => answer.data![`bacbosEvent${i}`]?.contact.email ?? null)).toEqual([...[0, 1, 2, 3, 4].map((n) => `backlog${n}@a.example`), null, null]);
  // One statement for the seven events (it was one per event, each waiting for a pool connection).
  expect((sqlStatementCounts.crm ?? 0) - statements).toBe(1);
});

it('resumes after a reconnect with no gap and no duplicate', async () => {
  const first = track(await subscribe(url, a.accessToken, 'subscription { contactEvents { eventId contact { email } } }', {}, hub()));
  await createContact(a, 'resume0@a.example');
  await waitFor(() => first.values.length === 1, 'the first event');
  const lastSeen = first.values[0].contactEvents.eventId;
  await first.dispose();
  for (let n = 1; n <= 3; n += 1) await createContact(a, `resume${n}@a.example`); // missed while away
  const again = track(await subscribe(url, a.accessToken, 'subscription($after: ID) { contactEvents(after: $after) { eventId contact { email } } }', { after: lastSeen }, hub()));
  await createContact(a, 'resume4@a.example'); // live after the reconnect
  await waitFor(() => again.values.length >= 4, 'missed and live events');
  // Let any straggler duplicate arrive before asserting there is none.
  await createContact(a, 'resume5@a.example');
  await waitFor(() => again.values.length >= 5, 'the marker');
  expect(again.values.map((v) => v.contactEvents.contact.email)).toEqual(['resume1@a.example', 'resume2@a.example', 'resume3@a.example', 'resume4@a.example', 'resume5@a.example']);
});

it('serves subscribers on a second gateway instance', async () => {
  const bus: EventBus = process.env.KAFKA_BROKERS
    ? new KafkaEventBus({ brokers: process.env.KAFKA_BROKERS.split(','), clientId: `gw2-${randomUUID().slice(0, 6)}` })
    : (platform.bus as MemoryEventBus);
  const second: RunningGateway = await startGateway({
    supergraphSdl: composeSupergraph().supergraph,
    subgraphUrls: Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])),
    internalContextSecret: process.env.INTERNAL_CONTEXT_SECRET!,
    accessTokenSecret: process.env.ACCESS_TOKEN_SECRET!,
    port: 0,
    bus,
  });
  try {
    expect(second.hub!.instanceId).not.toBe(hub().instanceId);
    const onSecond = track(await subscribe(second.url, a.accessToken, op('crm', 'ContactEvents'), {}, second.hub));
    const onFirst = track(await subscribe(url, a.accessToken, op('crm', 'ContactEvents'), {}, hub()));
    await createContact(a, 'two-instances@a.example'); // mutation through the first instance
    await waitFor(() => onSecond.values.length === 1 && onFirst.values.length === 1, 'both instances');
    expect(onSecond.values[0].contactEvents.contact.email).toBe('two-instances@a.example');
  } finally {
    await Promise.allSettled(open.splice(0).map((c) => c.dispose()));
    await second.stop();
    if (bus !== platform.bus) await bus.close();
  }
});

it('ends the subscriptions of a session when it logs out (4403)', async () => {
  const login = await gql(url, op('identity', 'LogIn'), { input: { tenantSlug: a.slug, email: a.email, password: a.password } });
  const token = login.data!.logIn.accessToken;
  const sub = track(await subscribe(url, token, op('crm', 'ContactEvents'), {}, hub()));
  await gql(url, op('identity', 'LogOut'), {}, { authorization: `Bearer ${token}` });
  await waitFor(() => sub.closeCode !== undefined, 'the socket to close');
  expect(sub.closeCode).toBe(4403);
});

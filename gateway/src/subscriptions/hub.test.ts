// The gateway's hub when an event's payload cannot be resolved because a subgraph or its database
// is away (the federated query answers the `unavailable` error): it retries for a few seconds and
// delivers the event once the dependency answers; if it never does, the subscription ends with the
// retryable error instead of skipping the event, so the client resumes with `after` and loses
// nothing. (Before, the event was taken for "not visible" and silently dropped.)
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { parse, type ExecutionResult, type GraphQLError } from 'graphql';
import { MemoryEventBus, anonymousCaller, rootLogger, topicFor, unavailable, type EventEnvelope } from '@bacbos/common';
import { deriveSubscription } from './derive';
import { SubscriptionHub } from './hub';
import { subscriptionRoutes } from './routes';

jest.setTimeout(30_000);

const supergraphSdl = readFileSync(join(__dirname, '../../../schema/supergraph.graphql'), 'utf8');
const schema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
const routes = subscriptionRoutes(supergraphSdl);
const tenantId = randomUUID();
const caller = anonymousCaller({ kind: 'user', tenantId, userId: randomUUID(), permissions: ['*'], modules: ['crm'] });

function event(): EventEnvelope {
  const id = randomUUID();
  return {
    id, seq: '1', source: 'crm', tenantId, type: 'crm.contact.created', aggregateType: 'Contact', aggregateId: randomUUID(),
    actor: { userId: null, apiKeyId: null }, occurredAt: new Date().toISOString(), version: 1, payload: { data: {} },
  } as EventEnvelope;
}

async function hubAnswering(answers: (eventId: string) => ExecutionResult): Promise<{ hub: SubscriptionHub; bus: MemoryEventBus; calls: () => number }> {
  const bus = new MemoryEventBus();
  let calls = 0;
  const hub = new SubscriptionHub(bus, async (_query, variables) => {
    calls += 1;
    return answers(variables.bacbosEventId as string);
  }, rootLogger, [topicFor('crm')]);
  await hub.start();
  return { hub, bus, calls: () => calls };
}

const derived = () => deriveSubscription(schema, routes, parse('subscription { contactEvents { eventId type } }'), null, {});

test('a payload that fails as unavailable is retried and delivered once the dependency answers', async () => {
  let failures = 3;
  const { hub, bus, calls } = await hubAnswering((eventId) => (failures-- > 0 ? { errors: [unavailable()] } : { data: { bacbosEvent: { eventId, type: 'created' } } }));
  const stream = hub.register(caller, derived());
  const e = event();
  await bus.publish(topicFor('crm'), [e]);
  const first = await stream.next();
  expect(first.value).toEqual({ data: { contactEvents: { eventId: e.id, type: 'created' } } });
  expect(calls()).toBe(4);
  await hub.stop();
});

test('a payload that stays unavailable ends the subscription with the retryable error, never skips the event', async () => {
  const { hub, bus } = await hubAnswering(() => ({ errors: [unavailable()] }));
  const stream = hub.register(caller, derived());
  await bus.publish(topicFor('crm'), [event()]);
  const first = await stream.next();
  expect(first.done).toBe(false);
  expect(first.value.data).toBeUndefined();
  expect(first.value.errors?.map((error: GraphQLError) => error.extensions)).toEqual([expect.objectContaining({ code: 'INTERNAL_SERVER_ERROR', unavailable: true })]);
  expect((await stream.next()).done).toBe(true);
  expect(hub.size).toBe(0);
  await hub.stop();
});

describe('events that wait for an execution slot', () => {
  /** A hub with one execution slot whose first execution is held until `release()`. */
  async function heldHub(answer: (eventId: string) => unknown) {
    const bus = new MemoryEventBus();
    const queries: { query: string; variables: Record<string, unknown>; tenantId: string | null }[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const hub = new SubscriptionHub(bus, async (query, variables, who) => {
      queries.push({ query, variables, tenantId: who.tenantId });
      if (queries.length === 1) await held;
      const ids = Object.entries(variables).filter(([name]) => name.startsWith('bacbosEventId'));
      const data = Object.fromEntries(ids.map(([name, id]) => [name.replace('bacbosEventId', 'bacbosEvent'), answer(id as string)]));
      return { data };
    }, rootLogger, [topicFor('crm')], undefined, 1);
    await hub.start();
    return { hub, bus, queries, release };
  }

  const other = anonymousCaller({ kind: 'user', tenantId: randomUUID(), userId: randomUUID(), permissions: ['*'], modules: ['crm'] });
  const eventOf = (tenant: string) => ({ ...event(), tenantId: tenant });
  const take = async (stream: AsyncIterableIterator<ExecutionResult>, n: number) => {
    const values: unknown[] = [];
    for (let i = 0; i < n; i += 1) values.push((await stream.next()).value);
    return values;
  };

  test('share one execution per group, in order, each tenant its own', async () => {
    const { hub, bus, queries, release } = await heldHub((eventId) => ({ eventId, type: 'created' }));
    const [a, b, c] = [hub.register(caller, derived()), hub.register(caller, derived()), hub.register(other, derived())];
    const mine = [eventOf(tenantId), eventOf(tenantId), eventOf(tenantId), eventOf(tenantId)];
    const theirs = [eventOf(other.tenantId as string), eventOf(other.tenantId as string)];
    // The first event takes the only slot; the other five wait, and join their own tenant's group.
    await bus.publish(topicFor('crm'), [mine[0]]);
    await new Promise((r) => setTimeout(r, 20));
    await bus.publish(topicFor('crm'), [mine[1], theirs[0], mine[2], theirs[1], mine[3]]);
    await new Promise((r) => setTimeout(r, 20));
    release();
    const expected = (events: EventEnvelope[]) => events.map((e) => ({ data: { contactEvents: { eventId: e.id, type: 'created' } } }));
    expect(await take(a, 4)).toEqual(expected(mine));
    expect(await take(b, 4)).toEqual(expected(mine));
    expect(await take(c, 2)).toEqual(expected(theirs));
    // 6 events, 3 executions: the first alone, then one per tenant for the events that waited.
    expect(queries.map((q) => [q.tenantId, Object.keys(q.variables).length])).toEqual([[tenantId, 1], [tenantId, 3], [other.tenantId, 2]]);
    expect(queries[1].query).toContain('bacbosEvent2: contactEvent(eventId: $bacbosEventId2)');
    expect(hub.executions).toBe(3);
    await hub.stop();
  });

  test('an event of the shared execution that the subscriber may not see is skipped, the others delivered', async () => {
    const hidden = eventOf(tenantId);
    const { hub, bus, release } = await heldHub((eventId) => (eventId === hidden.id ? null : { eventId, type: 'created' }));
    const stream = hub.register(caller, derived());
    const [first, last] = [eventOf(tenantId), eventOf(tenantId)];
    await bus.publish(topicFor('crm'), [first]);
    await new Promise((r) => setTimeout(r, 20));
    await bus.publish(topicFor('crm'), [hidden, last]);
    await new Promise((r) => setTimeout(r, 20));
    release();
    expect(await take(stream, 2)).toEqual([first, last].map((e) => ({ data: { contactEvents: { eventId: e.id, type: 'created' } } })));
    await hub.stop();
  });
});

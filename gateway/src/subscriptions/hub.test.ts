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

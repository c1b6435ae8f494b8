// The gateway's subscription routes come from the supergraph (each owning subgraph's
// @eventStream declarations), not from a table in the gateway.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { MAX_EVENTS_PER_PAGE, SUBGRAPHS, topicFor, type EventEnvelope } from '@bacbos/common';
import { deriveSubscription, subscriptionRoutes } from '@bacbos/gateway';
import { composeSupergraph } from '../../scripts/compose';
import { subgraphsWithLeadEvents } from './declared-stream';

const committed = readFileSync(join(__dirname, '../../schema/supergraph.graphql'), 'utf8');
const apiSchema = (sdl: string) => Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();

const event = (fields: Partial<EventEnvelope>): EventEnvelope => ({
  id: 'e1', seq: '1', source: 'office', tenantId: 't1', type: 'office.document.edited', aggregateType: 'Document', aggregateId: 'd1',
  actor: { userId: null, apiKeyId: null }, occurredAt: new Date().toISOString(), version: 1, payload: { data: {} }, ...fields,
});

describe('routes of the committed supergraph', () => {
  const routes = subscriptionRoutes(committed);
  const schema = apiSchema(committed);

  it('route every Subscription field to its owner\'s topic and event queries', () => {
    const fields = Object.keys(schema.getSubscriptionType()!.getFields()).sort();
    expect([...routes.keys()].sort()).toEqual(fields);
    expect(Object.fromEntries([...routes.values()].map((r) => [r.field, [r.topic, r.eventQuery, r.replayQuery, r.perCaller]]))).toEqual({
      contactEvents: [topicFor('crm'), 'contactEvent', 'contactEventsAfter', false],
      platformEvents: [topicFor('platform'), 'platformEvent', 'platformEventsAfter', false],
      documentActivity: [topicFor('office'), 'documentActivityEvent', 'documentActivityEventsAfter', true],
      cellsChanged: [topicFor('office'), 'cellsChangedEvent', 'cellsChangedEventsAfter', false],
      roomEvents: [topicFor('office'), 'roomEvent', 'roomEventsAfter', false],
    });
    const query = schema.getQueryType()!.getFields();
    for (const route of routes.values()) {
      const payload = schema.getSubscriptionType()!.getFields()[route.field].type.toString();
      expect(query[route.eventQuery].args.map((a) => `${a.name}: ${a.type}`)).toEqual(['eventId: ID!']);
      expect(`${query[route.eventQuery].type}!`).toBe(payload);
      expect(query[route.replayQuery].args.map((a) => `${a.name}: ${a.type}`)).toEqual(['eventId: ID!', 'first: Int']);
      expect(`${query[route.replayQuery].type}`).toBe(`[${payload}]!`);
    }
  });

  it('match an event by type, aggregate and the followed key', () => {
    const documentActivity = routes.get('documentActivity')!;
    expect(documentActivity.matches(event({}), { documentId: 'd1' })).toBe(true);
    expect(documentActivity.matches(event({}), { documentId: 'd2' })).toBe(false);
    expect(documentActivity.matches(event({ type: 'office.document.deleted' }), { documentId: 'd1' })).toBe(false);
    expect(documentActivity.matches(event({ type: 'office.room.message_sent', aggregateType: 'Room' }), { documentId: 'd1' })).toBe(false);
    const contactEvents = routes.get('contactEvents')!;
    expect(contactEvents.matches(event({ source: 'crm', type: 'crm.contact.updated', aggregateType: 'Contact' }), {})).toBe(true);
    expect(contactEvents.matches(event({ source: 'crm', type: 'crm.lead.created', aggregateType: 'Lead' }), {})).toBe(false);
  });

  it('narrow a stream by its types argument, never beyond the declared types', () => {
    const platformEvents = routes.get('platformEvents')!;
    const revoked = event({ source: 'platform', type: 'platform.api_key.revoked', aggregateType: 'ApiKey' });
    expect(platformEvents.matches(revoked, {})).toBe(true);
    expect(platformEvents.matches(revoked, { types: ['platform.api_key.revoked'] })).toBe(true);
    expect(platformEvents.matches(revoked, { types: ['platform.role.created'] })).toBe(false);
    // Log-ins are not administrative events: not routed even when asked for.
    expect(platformEvents.matches(event({ source: 'platform', type: 'platform.session.created', aggregateType: 'Session' }), { types: ['platform.session.created'] })).toBe(false);
  });

  it('replay in pages of MAX_EVENTS_PER_PAGE', () => {
    const derived = deriveSubscription(schema, routes, parse('subscription($d: ID!) { documentActivity(documentId: $d) { type } }'), undefined, { d: 'd1' });
    expect(derived.replayQuery).toContain(`documentActivityEventsAfter(eventId: $bacbosAfter, first: ${MAX_EVENTS_PER_PAGE})`);
    expect(derived.args).toEqual({ documentId: 'd1' });
  });
});

it('routes a stream declared only in its subgraph, with no gateway edit', () => {
  const supergraph = composeSupergraph(subgraphsWithLeadEvents()).supergraph;
  const routes = subscriptionRoutes(supergraph);
  const leadEvents = routes.get('leadEvents')!;
  expect(leadEvents).toMatchObject({ source: 'crm', topic: topicFor('crm'), eventQuery: 'leadEvent', replayQuery: 'leadEventsAfter', perCaller: false });
  expect(leadEvents.matches(event({ source: 'crm', type: 'crm.lead.created', aggregateType: 'Lead' }), {})).toBe(true);
  expect(leadEvents.matches(event({ source: 'crm', type: 'crm.contact.created', aggregateType: 'Contact' }), {})).toBe(false);
  // The gateway's payload and replay queries for it are valid against the composed graph.
  const schema = apiSchema(supergraph);
  const derived = deriveSubscription(schema, routes, parse('subscription { leads: leadEvents { type actor { email } } }'), undefined, {});
  expect(derived.responseKey).toBe('leads');
  expect(derived.eventQuery).toContain('bacbosEvent: leadEvent(eventId: $bacbosEventId)');
  expect(validate(schema, parse(derived.eventQuery))).toEqual([]);
  expect(validate(schema, parse(derived.replayQuery))).toEqual([]);
});

it('refuses a stream whose event query the supergraph lacks', () => {
  const broken = committed.replace('eventQuery: "roomEvent"', 'eventQuery: "roomEventGone"');
  expect(() => subscriptionRoutes(broken)).toThrow('subscription roomEvents: the supergraph has no query roomEventGone');
});

it('leaves the gateway\'s code naming no subgraph\'s event type', () => {
  const eventType = new RegExp(`['"\`](${SUBGRAPHS.join('|')})\\.[a-z_]+\\.[a-z_]+['"\`]`);
  const gateway = join(__dirname, '../../gateway/src');
  const named = (readdirSync(gateway, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .filter((file) => eventType.test(readFileSync(join(gateway, file), 'utf8')));
  expect(named).toEqual([]);
});

// A stream declared only in its subgraph reaches subscribers with no gateway edit: the CRM
// subgraph, run again with a lead stream that only this test declares (declared-stream.ts), and a
// gateway started on the supergraph composed with it deliver leads live, per tenant, and resume.
import { randomUUID } from 'node:crypto';
import { KafkaEventBus, startSubgraph, type EventBus, type RunningSubgraph } from '@bacbos/common';
import { crmSubgraph } from '@bacbos/crm';
import { startGateway, type RunningGateway } from '@bacbos/gateway';
import { composeSupergraph } from '../../scripts/compose';
import { contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { crmWithLeadEvents, subgraphsWithLeadEvents } from './declared-stream';
import { subscribe, waitFor, type Collected } from './helpers';

let platform: RunningPlatform;
let crm: RunningSubgraph;
let bus: EventBus;
let gateway: RunningGateway;
let a: TestTenant;
let b: TestTenant;
const open: Collected[] = [];

const LEAD_EVENTS = 'subscription($after: ID) { leadEvents(after: $after) { eventId type title actor { email } } }';

beforeAll(async () => {
  platform = await startPlatform();
  // The CRM subgraph with the lead stream, beside the platform's own (whose relay publishes the events).
  const definition = crmSubgraph();
  crm = await startSubgraph({ ...definition, modules: crmWithLeadEvents }, { port: 0, host: '127.0.0.1' });
  bus = process.env.KAFKA_BROKERS
    ? new KafkaEventBus({ brokers: process.env.KAFKA_BROKERS.split(','), clientId: `declared-${randomUUID().slice(0, 6)}` })
    : platform.bus;
  gateway = await startGateway({
    supergraphSdl: composeSupergraph(subgraphsWithLeadEvents()).supergraph,
    subgraphUrls: { ...Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])), crm: crm.url },
    internalContextSecret: process.env.INTERNAL_CONTEXT_SECRET!,
    accessTokenSecret: process.env.ACCESS_TOKEN_SECRET!,
    port: 0,
    bus,
  });
  a = await signUpTenant(platform.gatewayUrl, 'Declared A');
  b = await signUpTenant(platform.gatewayUrl, 'Declared B');
}, 120_000);
afterAll(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.dispose()));
  await gateway?.stop();
  await crm?.stop();
  if (bus && bus !== platform.bus) await bus.close();
  await platform?.stop();
});

const track = (c: Collected) => (open.push(c), c);

/** A contact and a lead on it, through the platform's own gateway (which has no lead stream). */
async function createLead(tenant: TestTenant, title: string): Promise<void> {
  const contact = await gql(platform.gatewayUrl, op('crm', 'CreateContact'), { input: { firstName: 'Lead', lastName: 'Owner', email: `${randomUUID().slice(0, 8)}@lead.example` } }, tenant.headers);
  const lead = await gql(platform.gatewayUrl, op('crm', 'CreateLead'), { input: { contactId: contact.data!.createContact.id, title } }, tenant.headers);
  expect(lead.errors).toBeUndefined();
}

it('is not served by a gateway whose supergraph lacks it', async () => {
  const sub = track(await subscribe(platform.gatewayUrl, a.accessToken, LEAD_EVENTS));
  await waitFor(() => sub.errors.length > 0, 'the refusal');
  expect(JSON.stringify(sub.errors)).toContain('leadEvents');
});

it('delivers the events of a stream declared only in the subgraph, per tenant, with fields of another subgraph', async () => {
  const subA = track(await subscribe(gateway.url, a.accessToken, LEAD_EVENTS, {}, gateway.hub));
  const subB = track(await subscribe(gateway.url, b.accessToken, LEAD_EVENTS, {}, gateway.hub));
  await createLead(a, 'Declared lead A1');
  await createLead(b, 'Declared lead B1');
  await waitFor(() => subA.values.length === 1 && subB.values.length === 1, 'one lead event per tenant');
  expect(subA.values[0].leadEvents).toMatchObject({ type: 'crm.lead.created', title: 'Declared lead A1', actor: { email: a.email } });
  expect(subB.values[0].leadEvents).toMatchObject({ type: 'crm.lead.created', title: 'Declared lead B1', actor: { email: b.email } });
  // The contact events of the same mutations are not lead events.
  await createLead(a, 'Declared lead A2');
  await waitFor(() => subA.values.length === 2, 'the second lead');
  expect(subA.values.map((v) => v.leadEvents.title)).toEqual(['Declared lead A1', 'Declared lead A2']);
  expect(subA.errors).toEqual([]);

  // Resuming after the first: the missed one is replayed through the declared leadEventsAfter.
  const again = track(await subscribe(gateway.url, a.accessToken, LEAD_EVENTS, { after: subA.values[0].leadEvents.eventId }, gateway.hub));
  await waitFor(() => again.values.length === 1, 'the replayed lead');
  expect(again.values[0].leadEvents.title).toBe('Declared lead A2');
});

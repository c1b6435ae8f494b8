// A stream that only a test declares, in the CRM subgraph: lead events. It shows that a subgraph's
// declaration alone (defineEventStream) makes a live subscription, with no gateway edit.
import { parse } from 'graphql';
import { defineEventStream, type OutboxEventRow } from '@bacbos/common';
import { crmModules, crmSubgraph } from '@bacbos/crm';
import { SUBGRAPH_ENTRIES } from '../../scripts/subgraphs';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';

type CrmContext = Awaited<ReturnType<ReturnType<typeof crmSubgraph>['createContext']>>;

interface LeadEventView {
  eventId: string;
  type: string;
  title: string | null;
  actorId: string | null;
}

export const leadEventStream = defineEventStream({
  field: 'leadEvents',
  description: 'Leads created and converted (declared by a test).',
  eventType: 'LeadEvent',
  query: 'leadEvent',
  aggregateType: 'Lead',
  types: ['crm.lead.created', 'crm.lead.converted'],
  permission: 'crm:read',
  outbox: (ctx: CrmContext) => ctx.db.outboxEvent,
  view: (row: OutboxEventRow): LeadEventView => {
    const data = (row.payload as { data?: { title?: string } }).data ?? {};
    return { eventId: row.id, type: row.type, title: data.title ?? null, actorId: row.actorId };
  },
});

/** The CRM subgraph's modules plus the lead stream and its event type. */
export const crmWithLeadEvents = [
  ...crmModules,
  {
    typeDefs: parse(/* GraphQL */ `
      type LeadEvent {
        eventId: ID!
        type: String!
        title: String
        "From the platform subgraph."
        actor: User
      }
    `),
    resolvers: { LeadEvent: { actor: (e: LeadEventView) => (e.actorId ? { __typename: 'User', id: e.actorId } : null) } },
  },
  leadEventStream.module,
];

/** The five subgraphs' SDL, CRM's with the lead stream, ready for composeSupergraph. */
export const subgraphsWithLeadEvents = () =>
  SUBGRAPH_ENTRIES.map((s) => ({
    name: s.name,
    url: s.productionUrl,
    sdl: printSubgraphSchema(buildSubgraphSchema(s.name === 'crm' ? crmWithLeadEvents : s.modules)),
  }));

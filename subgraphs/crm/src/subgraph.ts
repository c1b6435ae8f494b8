// The crm subgraph's modules (SDL, typed resolvers, services) and the request context they make.
import { defineSubgraph, type ContextOf } from '@bacbos/common';
import { createLoaders } from './context';
import { ContactService, contactResolvers } from './modules/contacts';
import { eventResolvers } from './modules/events';
import { LeadService, leadResolvers } from './modules/leads';
import { OpportunityService, opportunityResolvers } from './modules/opportunities';

export const crm = defineSubgraph({
  dir: __dirname,
  loaders: createLoaders,
  modules: {
    contacts: { resolvers: contactResolvers, services: { contacts: ContactService } },
    leads: { resolvers: leadResolvers, services: { leads: LeadService } },
    opportunities: { resolvers: opportunityResolvers, services: { opportunities: OpportunityService } },
    events: { resolvers: eventResolvers },
  },
});

/** Built once per request: the verified caller, the database, per-request loaders and each module's services. */
// An interface, not a type alias: the services name this type while it is derived from them, and
// only an interface breaks that cycle.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CrmContext extends ContextOf<typeof crm> {}

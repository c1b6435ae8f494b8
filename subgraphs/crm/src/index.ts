import { join } from 'node:path';
import { baseModule, loadTypeDefs, type SubgraphDefinition } from '@bacbos/common';
import { createCrmContext, type CrmContext } from './context';
import { createCrmDb, type CrmDb } from './db';
import { contactResolvers } from './modules/contacts/resolvers';
import { eventResolvers } from './modules/events/resolvers';
import { leadResolvers } from './modules/leads/resolvers';
import { opportunityResolvers } from './modules/opportunities/resolvers';

const schemaModule = (name: string, resolvers: object) => ({ typeDefs: loadTypeDefs(join(__dirname, 'modules', name, 'schema.graphql')), resolvers: resolvers as never });

export const crmModules = [
  baseModule,
  schemaModule('contacts', contactResolvers),
  schemaModule('leads', leadResolvers),
  schemaModule('opportunities', opportunityResolvers),
  schemaModule('events', eventResolvers),
];

export function crmSubgraph(db: CrmDb = createCrmDb()): SubgraphDefinition<CrmContext> {
  return {
    name: 'crm',
    modules: crmModules,
    createContext: (caller, log) => createCrmContext(db, caller, log),
    healthCheck: async () => { await db.$queryRaw`SELECT 1`; },
    close: () => db.$disconnect(),
  };
}

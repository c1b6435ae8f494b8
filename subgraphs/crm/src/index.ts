import { join } from 'node:path';
import { baseModule, databaseUrlFor, loadTypeDefs, rootLogger, startUserDirectorySync, type SubgraphDefinition } from '@bacbos/common';
import { createCrmContext, type CrmContext } from './context';
import { createCrmDb, type CrmDb } from './db';
import { contactResolvers } from './modules/contacts';
import { contactEventStream, eventResolvers } from './modules/events';
import { leadResolvers } from './modules/leads';
import { opportunityResolvers } from './modules/opportunities';

const schemaModule = (name: string, resolvers: object) => ({ typeDefs: loadTypeDefs(join(__dirname, 'modules', name, 'schema.graphql')), resolvers: resolvers as never });

export const crmModules = [
  baseModule,
  schemaModule('contacts', contactResolvers),
  schemaModule('leads', leadResolvers),
  schemaModule('opportunities', opportunityResolvers),
  schemaModule('events', eventResolvers),
  contactEventStream.module,
];

export function crmSubgraph(db: CrmDb = createCrmDb()): SubgraphDefinition<CrmContext> {
  return {
    name: 'crm',
    modules: crmModules,
    createContext: (caller, log) => createCrmContext(db, caller, log),
    healthCheck: async () => { await db.$queryRaw`SELECT 1`; },
    // Its replica of the platform's users, for checking the user ids given as input.
    consume: (bus) => startUserDirectorySync(bus, { schema: 'crm', db, databaseUrl: databaseUrlFor('crm'), log: rootLogger.child({ subgraph: 'crm', component: 'directory' }) }),
    close: () => db.$disconnect(),
  };
}

// For the processes and tests that run this subgraph: its database client.
export { createCrmDb, type CrmDb } from './db';

import { databaseUrlFor, rootLogger, startUserDirectorySync, type SubgraphDefinition } from '@bacbos/common';
import { createCrmDb, type CrmDb } from './db';
import { contactEventStream } from './modules/events';
import { crm, type CrmContext } from './subgraph';

/** The modules, then the event streams (each declared once, EVENTS.md). */
export const crmModules = [...crm.modules, contactEventStream.module];

export function crmSubgraph(db: CrmDb = createCrmDb()): SubgraphDefinition<CrmContext> {
  return {
    name: 'crm',
    modules: crmModules,
    createContext: (caller, log) => crm.createContext({ db }, caller, log),
    healthCheck: async () => { await db.$queryRaw`SELECT 1`; },
    // Its replica of the platform's users, for checking the user ids given as input.
    consume: (bus) => startUserDirectorySync(bus, { schema: 'crm', db, databaseUrl: databaseUrlFor('crm'), log: rootLogger.child({ subgraph: 'crm', component: 'directory' }) }),
    close: () => db.$disconnect(),
  };
}

// For the processes and tests that run this subgraph: its database client.
export { createCrmDb, type CrmDb } from './db';

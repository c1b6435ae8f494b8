import { databaseUrlFor, rootLogger, startUserDirectorySync, type SubgraphDefinition } from '@bacbos/common';
import { createHrDb, type HrDb } from './db';
import { hr, type HrContext } from './subgraph';

export const hrModules = hr.modules;

export function hrSubgraph(db: HrDb = createHrDb()): SubgraphDefinition<HrContext> {
  return {
    name: 'hr',
    modules: hrModules,
    createContext: (caller, log) => hr.createContext({ db }, caller, log),
    healthCheck: async () => { await db.$queryRaw`SELECT 1`; },
    // Its replica of the platform's users, for checking the user ids given as input.
    consume: (bus) => startUserDirectorySync(bus, { schema: 'hr', db, databaseUrl: databaseUrlFor('hr'), log: rootLogger.child({ subgraph: 'hr', component: 'directory' }) }),
    close: () => db.$disconnect(),
  };
}

// For the processes and tests that run this subgraph: its database client.
export { createHrDb, type HrDb } from './db';

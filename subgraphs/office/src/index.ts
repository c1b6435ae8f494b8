import { createObjectStore, databaseUrlFor, rootLogger, startUserDirectorySync, type ObjectStore, type SubgraphDefinition } from '@bacbos/common';
import { createOfficeDb, type OfficeDb } from './db';
import { cellsChangedStream } from './modules/sheets';
import { roomEventStream } from './modules/meet';
import { documentActivityStream } from './modules/writer';
import { searchListingRoutes } from './search-listing';
import { office, type OfficeContext } from './subgraph';

/** The modules, then the event streams (each declared once, EVENTS.md). */
export const officeModules = [...office.modules, documentActivityStream.module, cellsChangedStream.module, roomEventStream.module];

export function officeSubgraph(db: OfficeDb = createOfficeDb(), objects: ObjectStore = createObjectStore()): SubgraphDefinition<OfficeContext> {
  return {
    name: 'office',
    modules: officeModules,
    createContext: (caller, log) => office.createContext({ db, objects }, caller, log),
    healthCheck: async () => { await db.$queryRaw`SELECT 1`; },
    // What search:reindex reads (internal, office:admin).
    routes: searchListingRoutes(db),
    // Keeps the office's replica of the platform's users (for mail and calendar) from its events.
    consume: (bus) => startUserDirectorySync(bus, { schema: 'office', db, databaseUrl: databaseUrlFor('office'), log: rootLogger.child({ subgraph: 'office', component: 'directory' }) }),
    close: async () => { await objects.close(); await db.$disconnect(); },
  };
}

// For the processes and tests that run this subgraph: its database client.
export { createOfficeDb, type OfficeDb } from './db';

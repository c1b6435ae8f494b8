import { join } from 'node:path';
import {
  baseModule, createObjectStore, databaseUrlFor, loadTypeDefs, rootLogger, startUserDirectorySync, type ObjectStore, type SubgraphDefinition,
} from '@bacbos/common';
import { createOfficeContext, type OfficeContext } from './context';
import { createOfficeDb, type OfficeDb } from './db';
import { documentActivityStream, writerResolvers } from './modules/writer';
import { cellsChangedStream, sheetsResolvers } from './modules/sheets';
import { slidesResolvers } from './modules/slides';
import { driveResolvers } from './modules/drive';
import { calendarResolvers } from './modules/calendar';
import { mailResolvers } from './modules/mail';
import { meetResolvers, roomEventStream } from './modules/meet';

export const officeModules = [
  baseModule,
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/writer/schema.graphql')), resolvers: writerResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/sheets/schema.graphql')), resolvers: sheetsResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/slides/schema.graphql')), resolvers: slidesResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/drive/schema.graphql')), resolvers: driveResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/calendar/schema.graphql')), resolvers: calendarResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/mail/schema.graphql')), resolvers: mailResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/meet/schema.graphql')), resolvers: meetResolvers as never },
  documentActivityStream.module,
  cellsChangedStream.module,
  roomEventStream.module,
];

export function officeSubgraph(db: OfficeDb = createOfficeDb(), objects: ObjectStore = createObjectStore()): SubgraphDefinition<OfficeContext> {
  return {
    name: 'office',
    modules: officeModules,
    createContext: (caller, log) => createOfficeContext(db, caller, log, objects),
    healthCheck: async () => { await db.$queryRaw`SELECT 1`; },
    // Keeps the office's replica of the platform's users (for mail and calendar) from its events.
    consume: (bus) => startUserDirectorySync(bus, { schema: 'office', db, databaseUrl: databaseUrlFor('office'), log: rootLogger.child({ subgraph: 'office', component: 'directory' }) }),
    close: async () => { await objects.close(); await db.$disconnect(); },
  };
}

// For the processes and tests that run this subgraph: its database client.
export { createOfficeDb, type OfficeDb } from './db';

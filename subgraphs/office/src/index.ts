import { join } from 'node:path';
import { baseModule, loadTypeDefs, type SubgraphDefinition } from '@bacbos/common';
import { createOfficeContext, type OfficeContext } from './context';
import { createOfficeDb, type OfficeDb } from './db';
import { writerResolvers } from './modules/writer/resolvers';

export const officeModules = [
  baseModule,
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/writer/schema.graphql')), resolvers: writerResolvers as never },
];

export function officeSubgraph(db: OfficeDb = createOfficeDb()): SubgraphDefinition<OfficeContext> {
  return {
    name: 'office',
    modules: officeModules,
    createContext: (caller, log) => createOfficeContext(db, caller, log),
    healthCheck: async () => { await db.$queryRaw`SELECT 1`; },
    close: () => db.$disconnect(),
  };
}

import { join } from 'node:path';
import { baseModule, loadTypeDefs, type SubgraphDefinition } from '@bacbos/common';
import { createPlatformContext, type PlatformContext } from './context';
import { createPlatformDb, type PlatformDb } from './db';
import { authResolvers } from './modules/auth/resolvers';
import { tenancyResolvers } from './modules/tenancy/resolvers';

export const platformModules = [
  baseModule,
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/tenancy/schema.graphql')), resolvers: tenancyResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/auth/schema.graphql')), resolvers: authResolvers as never },
];

export function platformSubgraph(db: PlatformDb = createPlatformDb()): SubgraphDefinition<PlatformContext> {
  return {
    name: 'platform',
    modules: platformModules,
    createContext: (caller, log) => createPlatformContext(db, caller, log),
    healthCheck: async () => { await db.$queryRaw`SELECT 1`; },
    close: () => db.$disconnect(),
  };
}

import { join } from 'node:path';
import { baseModule, createKeyValueStore, loadTypeDefs, type KeyValueStore, type SubgraphDefinition } from '@bacbos/common';
import { createIdentityContext, type IdentityContext } from './context';
import { createIdentityDb, type IdentityDb } from './db';
import { oauthResolvers } from './modules/oauth';
import { oauthRoutes } from './modules/oauth';
import { organizationResolvers } from './modules/organizations';

export const identityModules = [
  baseModule,
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/organizations/schema.graphql')), resolvers: organizationResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/oauth/schema.graphql')), resolvers: oauthResolvers as never },
];

export function identitySubgraph(db: IdentityDb = createIdentityDb(), kv: KeyValueStore = createKeyValueStore()): SubgraphDefinition<IdentityContext> {
  const deps = { db, kv };
  return {
    name: 'identity',
    modules: identityModules,
    createContext: (caller, log) => createIdentityContext(deps, caller, log),
    routes: oauthRoutes(db),
    kv,
    healthCheck: async () => { await db.$queryRaw`SELECT 1`; },
    close: async () => {
      await db.$disconnect();
      await kv.close();
    },
  };
}

// For the processes and tests that run this subgraph: its database client.
export { createIdentityDb, type IdentityDb } from './db';

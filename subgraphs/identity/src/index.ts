import { createKeyValueStore, type KeyValueStore, type SubgraphDefinition } from '@bacbos/common';
import { createIdentityDb, type IdentityDb } from './db';
import { oauthRoutes } from './modules/oauth';
import { identity, type IdentityContext } from './subgraph';

export const identityModules = identity.modules;

export function identitySubgraph(db: IdentityDb = createIdentityDb(), kv: KeyValueStore = createKeyValueStore()): SubgraphDefinition<IdentityContext> {
  const deps = { db, kv };
  return {
    name: 'identity',
    modules: identityModules,
    createContext: (caller, log) => identity.createContext(deps, caller, log),
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

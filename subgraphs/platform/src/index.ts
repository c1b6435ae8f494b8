import { join } from 'node:path';
import { baseModule, createKeyValueStore, databaseUrlFor, loadTypeDefs, rootLogger, type KeyValueStore, type SubgraphDefinition } from '@bacbos/common';
import { createPlatformContext, type PlatformContext } from './context';
import { createPlatformDb, type PlatformDb } from './db';
import { AccessState } from './modules/access/access-state';
import { accessRoutes } from './modules/access/routes';
import { apiKeyResolvers } from './modules/apikeys/resolvers';
import { ApiKeyUsageRecorder } from './modules/apikeys/usage-recorder';
import { AuditIngester } from './modules/audit/audit-ingester';
import { auditResolvers } from './modules/audit/resolvers';
import { authResolvers } from './modules/auth/resolvers';
import { tenancyResolvers } from './modules/tenancy/resolvers';

export const platformModules = [
  baseModule,
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/tenancy/schema.graphql')), resolvers: tenancyResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/auth/schema.graphql')), resolvers: authResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/apikeys/schema.graphql')), resolvers: apiKeyResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/audit/schema.graphql')), resolvers: auditResolvers as never },
];

export function platformSubgraph(db: PlatformDb = createPlatformDb(), kv: KeyValueStore = createKeyValueStore()): SubgraphDefinition<PlatformContext> {
  const deps = { db, kv, access: new AccessState(kv) };
  const usage = new ApiKeyUsageRecorder(db, rootLogger.child({ subgraph: 'platform', component: 'api-key-usage' }));
  return {
    name: 'platform',
    modules: platformModules,
    createContext: (caller, log) => createPlatformContext(deps, caller, log),
    routes: accessRoutes(db, usage),
    consume: (bus) => new AuditIngester(databaseUrlFor('platform'), rootLogger.child({ subgraph: 'platform', component: 'audit' })).start(bus),
    healthCheck: async () => { await db.$queryRaw`SELECT 1`; },
    close: async () => {
      await usage.close();
      await db.$disconnect();
      await kv.close();
    },
  };
}

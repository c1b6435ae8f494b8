import { join } from 'node:path';
import { baseModule, createKeyValueStore, databaseUrlFor, loadTypeDefs, rootLogger, type KeyValueStore, type SubgraphDefinition } from '@bacbos/common';
import { createPlatformContext, type PlatformContext } from './context';
import { createPlatformDb, type PlatformDb } from './db';
import { AccessState } from './modules/access';
import { accessRoutes } from './modules/access';
import { apiKeyResolvers } from './modules/apikeys';
import { ApiKeyUsageRecorder } from './modules/apikeys';
import { AuditIngester } from './modules/audit';
import { auditResolvers } from './modules/audit';
import { authResolvers } from './modules/auth';
import { platformEventResolvers, platformEventStream } from './modules/events';
import { tenancyResolvers } from './modules/tenancy';
import { billingResolvers } from './modules/billing';
import { DatabaseProvisioner } from './modules/databases';
import { databaseResolvers } from './modules/databases';
import { roleResolvers } from './modules/roles';
import { userResolvers } from './modules/users';

export const platformModules = [
  baseModule,
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/tenancy/schema.graphql')), resolvers: tenancyResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/auth/schema.graphql')), resolvers: authResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/users/schema.graphql')), resolvers: userResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/roles/schema.graphql')), resolvers: roleResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/billing/schema.graphql')), resolvers: billingResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/databases/schema.graphql')), resolvers: databaseResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/apikeys/schema.graphql')), resolvers: apiKeyResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/audit/schema.graphql')), resolvers: auditResolvers as never },
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/events/schema.graphql')), resolvers: platformEventResolvers as never },
  platformEventStream.module,
];

export function platformSubgraph(db: PlatformDb = createPlatformDb(), kv: KeyValueStore = createKeyValueStore()): SubgraphDefinition<PlatformContext> {
  const deps = { db, kv, access: new AccessState(kv) };
  // Moves database instances through provisioning in the background (off under jest: tests call step()).
  const provisioner = new DatabaseProvisioner(db);
  provisioner.start();
  const usage = new ApiKeyUsageRecorder(db, rootLogger.child({ subgraph: 'platform', component: 'api-key-usage' }));
  return {
    name: 'platform',
    modules: platformModules,
    createContext: (caller, log) => createPlatformContext(deps, caller, log),
    routes: accessRoutes(db, usage),
    kv,
    consume: (bus) => new AuditIngester(databaseUrlFor('platform'), rootLogger.child({ subgraph: 'platform', component: 'audit' })).start(bus),
    healthCheck: async () => { await db.$queryRaw`SELECT 1`; },
    close: async () => {
      await usage.close();
      await provisioner.stop();
      await db.$disconnect();
      await kv.close();
    },
  };
}

// For the processes and tests that run this subgraph: its database client.
export { createPlatformDb, type PlatformDb } from './db';
// The provisioner and the billing rules the platform-admin suite drives and checks against.
export { DatabaseProvisioner, connectionStringOf, provisionerIntervalMs } from './modules/databases';
export { addMonths } from './modules/billing';

import { createKeyValueStore, databaseUrlFor, rootLogger, type KeyValueStore, type SubgraphDefinition } from '@bacbos/common';
import { createPlatformDb, type PlatformDb } from './db';
import { AccessState, accessRoutes } from './modules/access';
import { ApiKeyUsageRecorder } from './modules/apikeys';
import { AuditIngester } from './modules/audit';
import { DatabaseProvisioner } from './modules/databases';
import { platformEventStream } from './modules/events';
import { platform, type PlatformContext } from './subgraph';

/** The modules, then the event streams (each declared once, EVENTS.md). */
export const platformModules = [...platform.modules, platformEventStream.module];

export function platformSubgraph(db: PlatformDb = createPlatformDb(), kv: KeyValueStore = createKeyValueStore()): SubgraphDefinition<PlatformContext> {
  const deps = { db, kv, access: new AccessState(kv) };
  // Moves database instances through provisioning in the background (off under jest: tests call step()).
  const provisioner = new DatabaseProvisioner(db);
  provisioner.start();
  const usage = new ApiKeyUsageRecorder(db, rootLogger.child({ subgraph: 'platform', component: 'api-key-usage' }));
  return {
    name: 'platform',
    modules: platformModules,
    createContext: (caller, log) => platform.createContext(deps, caller, log),
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

import { PrismaPg } from '@prisma/adapter-pg';
import { TenantScopedPool, appDatabaseUrlFor, instrumentPrisma, observePool, setting } from '@bacbos/common';
import { PrismaClient } from './generated/prisma/client';

export type PlatformDb = PrismaClient;

/** Connects as the application role; every checkout carries the current tenant for row-level security. */
export function createPlatformDb(connectionString = appDatabaseUrlFor('platform')): PlatformDb {
  const db = new PrismaClient({
    adapter: new PrismaPg(observePool(new TenantScopedPool({ connectionString, max: setting('DB_POOL_SIZE') }), { subgraph: 'platform', pool: 'app' }), { disposeExternalPool: true }),
    log: [{ emit: 'event', level: 'query' }],
  });
  instrumentPrisma(db, 'platform');
  return db;
}

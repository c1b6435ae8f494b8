import { TenantScopedPool, appDatabaseUrlFor, countedAdapter, observePool, setting, TRANSACTION_OPTIONS } from '@bacbos/common';
import { PrismaClient } from './generated/prisma/client';

export type OfficeDb = PrismaClient;

/** Connects as the application role; every checkout carries the current tenant for row-level security. */
export function createOfficeDb(connectionString = appDatabaseUrlFor('office')): OfficeDb {
  const db = new PrismaClient({
    adapter: countedAdapter(observePool(new TenantScopedPool({ connectionString, max: setting('DB_POOL_SIZE') }), { subgraph: 'office', pool: 'app' }), 'office'),
    transactionOptions: TRANSACTION_OPTIONS,
  });
  return db;
}

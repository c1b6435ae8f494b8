import { TenantScopedPool, appDatabaseUrlFor, countedAdapter, observePool, setting, TRANSACTION_OPTIONS } from '@bacbos/common';
import { PrismaClient } from './generated/prisma/client';

export type HrDb = PrismaClient;

/** Connects as the application role; every checkout carries the current tenant for row-level security. */
export function createHrDb(connectionString = appDatabaseUrlFor('hr')): HrDb {
  const db = new PrismaClient({
    adapter: countedAdapter(observePool(new TenantScopedPool({ connectionString, max: setting('DB_POOL_SIZE') }), { subgraph: 'hr', pool: 'app' }), 'hr'),
    transactionOptions: TRANSACTION_OPTIONS,
  });
  return db;
}

import { TenantScopedPool, appDatabaseUrlFor, countedAdapter, observePool, setting, TRANSACTION_OPTIONS } from '@bacbos/common';
import { PrismaClient } from './generated/prisma/client';

export type IdentityDb = PrismaClient;

/** Connects as the application role; every checkout carries the current tenant for row-level security. */
export function createIdentityDb(connectionString = appDatabaseUrlFor('identity')): IdentityDb {
  const db = new PrismaClient({
    adapter: countedAdapter(observePool(new TenantScopedPool({ connectionString, max: setting('DB_POOL_SIZE') }), { subgraph: 'identity', pool: 'app' }), 'identity'),
    transactionOptions: TRANSACTION_OPTIONS,
  });
  return db;
}

import { PrismaPg } from '@prisma/adapter-pg';
import { TenantScopedPool, appDatabaseUrlFor, instrumentPrisma, observePool, setting, TRANSACTION_OPTIONS } from '@bacbos/common';
import { PrismaClient } from './generated/prisma/client';

export type CrmDb = PrismaClient;

/** Connects as the application role; every checkout carries the current tenant for row-level security. */
export function createCrmDb(connectionString = appDatabaseUrlFor('crm')): CrmDb {
  const db = new PrismaClient({
    adapter: new PrismaPg(observePool(new TenantScopedPool({ connectionString, max: setting('DB_POOL_SIZE') }), { subgraph: 'crm', pool: 'app' }), { disposeExternalPool: true }),
    log: [{ emit: 'event', level: 'query' }],
    transactionOptions: TRANSACTION_OPTIONS,
  });
  instrumentPrisma(db, 'crm');
  return db;
}

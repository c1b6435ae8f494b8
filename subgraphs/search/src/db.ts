import type { Pool } from 'pg';
import { TenantScopedPool, appDatabaseUrlFor, databaseUrlFor, observePool, setting } from '@bacbos/common';
import { TRIGRAM_OPTIONS } from './engine/postgres';

/**
 * The search subgraph's two pools: `read` as the application role (row-level security on the
 * request's tenant) for queries, `write` as the schema's owner for the indexer. No Prisma client:
 * the index is one table queried with full-text SQL that an ORM would only wrap.
 */
export function createSearchPools(urls = { read: appDatabaseUrlFor('search'), write: databaseUrlFor('search') }): { read: Pool; write: Pool } {
  // pg_trgm's typo threshold is set in each connection's start-up packet: no extra round trip.
  const options = TRIGRAM_OPTIONS;
  const read = observePool(new TenantScopedPool({ connectionString: urls.read, max: setting('DB_POOL_SIZE'), options }), { subgraph: 'search', pool: 'app' });
  const write = observePool(new TenantScopedPool({ connectionString: urls.write, max: 4, options }), { subgraph: 'search', pool: 'indexer' });
  return { read, write };
}

// The tenant of the work in progress, carried through async calls (AsyncLocalStorage). The
// subgraph gate sets it for every request from the verified caller; the database pool reads it on
// every connection checkout to set Postgres's app.tenant_id, which row-level security enforces.
import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<{ tenantId: string | null }>();

/**
 * Runs `fn` with `tenantId` as the current tenant (null: no tenant, so RLS shows no rows). The
 * result is awaited inside the context on purpose: Prisma's promises are lazy and only start their
 * query when awaited, which must happen while the tenant is set.
 */
export function withTenant<T>(tenantId: string | null, fn: () => T | PromiseLike<T>): Promise<T> {
  return storage.run({ tenantId }, async () => await fn());
}

export function currentTenant(): string | null {
  return storage.getStore()?.tenantId ?? null;
}

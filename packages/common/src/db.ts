import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolClient, type PoolConfig, type QueryConfig, type QueryResult } from 'pg';
import { guardPool } from './lifecycle';
import { currentTenant } from './tenant-context';
import { canCarryTenant, SET_TENANT_SQL, TenantQuery } from './tenant-query';

export { TenantQuery } from './tenant-query';
// Shared database plumbing: a counter of SQL statements per subgraph (used by the N+1 tests and
// the metrics endpoint) and a unique-violation check for Prisma errors.
export const sqlStatementCounts: Record<string, number> = {};

export function countStatement(subgraph: string): void {
  sqlStatementCounts[subgraph] = (sqlStatementCounts[subgraph] ?? 0) + 1;
}

export function totalSqlStatements(): number {
  return Object.values(sqlStatementCounts).reduce((a, b) => a + b, 0);
}

/** What a Prisma driver adapter runs statements with (@prisma/driver-adapter-utils' SqlQueryable). */
interface Queryable {
  queryRaw(query: unknown): Promise<unknown>;
  executeRaw(query: unknown): Promise<number>;
}

/** Counts every statement `queryable` runs, as Prisma's query events would (one per query or execute of the adapter). */
function counting<Q extends Queryable>(queryable: Q, subgraph: string): Q {
  const queryRaw = queryable.queryRaw.bind(queryable);
  const executeRaw = queryable.executeRaw.bind(queryable);
  queryable.queryRaw = (query) => {
    countStatement(subgraph);
    return queryRaw(query);
  };
  queryable.executeRaw = (query) => {
    countStatement(subgraph);
    return executeRaw(query);
  };
  return queryable;
}

/**
 * A subgraph's Prisma driver adapter over its tenant-scoped pool, counting its statements at the
 * adapter. Prisma's `query` events counted the same statements but built an event per statement
 * (its text, its parameters as JSON, timings): about 0.1 CPU-ms per statement of a 40-row read.
 */
export function countedAdapter(pool: Pool, subgraph: string): PrismaPg {
  const factory = new PrismaPg(pool, { disposeExternalPool: true });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = counting(await connect(), subgraph);
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => counting(await startTransaction(isolationLevel), subgraph);
    return adapter;
  };
  return factory;
}

/** True for a Prisma unique-constraint violation, optionally on a given field. */
export function isUniqueViolation(error: unknown, field?: string): boolean {
  if (!error || typeof error !== 'object' || (error as { code?: string }).code !== 'P2002') return false;
  if (!field) return true;
  return JSON.stringify((error as { meta?: unknown }).meta ?? {}).includes(field);
}

/**
 * Locks one row of the caller's tenant for the rest of the transaction (SELECT ... FOR UPDATE) and
 * tells whether it exists. Read-modify-write services lock first, so the "from" side of an audit
 * entry is the state their change really replaced, and concurrent writers queue up.
 */
export async function lockRow(
  tx: { $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> },
  table: `${string}.${string}`,
  id: string,
  tenantId: string,
): Promise<boolean> {
  const [schema, name] = table.split('.');
  const rows = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "${schema}"."${name}" WHERE id = $1::uuid AND tenant_id = $2::uuid FOR UPDATE`, id, tenantId);
  return rows.length === 1;
}

/**
 * A pg pool whose every checkout carries the current tenant (see tenant-context.ts) into the
 * connection's `app.tenant_id`, which the row-level security policies compare with each row's
 * tenant_id. Prisma takes a connection for each statement outside a transaction and for each
 * transaction, so no statement runs under another request's tenant. The setting is only sent when
 * it differs from what that connection is known to hold, and then in the same round trip as the
 * checkout's first statement (tenant-query.ts) when that statement can share its implicit
 * transaction; otherwise (a BEGIN) on its own first. A failed statement leaves the connection's
 * setting unknown, so the next checkout sends it again.
 */
export class TenantScopedPool extends Pool {
  /** What `app.tenant_id` each connection holds, as far as this pool knows ('' = no tenant). */
  private readonly tenantOf = new WeakMap<PoolClient, string>();
  /** The tenant the current checkout of a connection must run its next statement under. */
  private readonly pending = new WeakMap<PoolClient, string>();
  private readonly carrying = new WeakSet<PoolClient>();

  constructor(config?: PoolConfig) {
    super(config);
    guardPool(this, 'application pool');
  }

  /** Makes the checkout's statements run under `tenant`: now if the connection already holds it, else with its next statement. */
  private checkout(client: PoolClient, tenant: string): PoolClient {
    if (!this.carrying.has(client)) this.carryTenant(client);
    if (this.tenantOf.get(client) === tenant) this.pending.delete(client);
    else this.pending.set(client, tenant);
    return client;
  }

  /** Wraps the connection's `query` once: a statement with a tenant pending takes the setting along. */
  private carryTenant(client: PoolClient): void {
    this.carrying.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown): unknown => {
      const tenant = this.pending.get(client);
      if (tenant === undefined || config === null || config === undefined || typeof (config as { submit?: unknown }).submit === 'function') return query(config, values, callback);
      this.pending.delete(client);
      const done = typeof values === 'function' ? values : typeof callback === 'function' ? callback : undefined;
      const queryConfig: QueryConfig = typeof config === 'string'
        ? { text: config, values: Array.isArray(values) ? values : undefined }
        : { ...(config as QueryConfig), ...(Array.isArray(values) ? { values } : {}) };
      const outcome = canCarryTenant(queryConfig.text)
        ? new Promise<QueryResult>((resolve, reject) => {
            const carried = new TenantQuery(tenant, queryConfig);
            carried.callback = (error, result) => (error ? reject(error) : resolve(result as QueryResult));
            query(carried);
          })
        : (query(SET_TENANT_SQL, [tenant]) as Promise<unknown>).then(() => query(queryConfig) as Promise<QueryResult>);
      const settled = outcome.then(
        (result) => {
          this.tenantOf.set(client, tenant);
          return result;
        },
        (error: unknown) => {
          // Rolled back with the statement, or never sent: what the connection holds is unknown.
          this.tenantOf.delete(client);
          throw error;
        },
      );
      if (!done) return settled;
      settled.then((result) => (done as (e: unknown, r?: unknown) => void)(undefined, result), (error) => (done as (e: unknown) => void)(error));
      return undefined;
    };
  }

  override connect(): Promise<PoolClient>;
  override connect(callback: (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<PoolClient> | void {
    const tenant = currentTenant() ?? ''; // read now, in the caller's async context
    if (!callback) return super.connect().then((client) => this.checkout(client, tenant));
    super.connect((err, client, done) => {
      if (err || !client) return callback(err, client, done);
      callback(undefined, this.checkout(client, tenant), done);
    });
  }
}

/**
 * Interactive-transaction limits of every subgraph's Prisma client. Prisma's defaults (2 s to get a
 * connection, 5 s to finish) turned a commit that waited on a busy pool at start-up, or on a row
 * lock held by a concurrent writer, into an INTERNAL_SERVER_ERROR.
 */
export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { guardPool } from './lifecycle';
import { currentTenant } from './tenant-context';
// Shared database plumbing: a counter of SQL statements per subgraph (used by the N+1 tests and
// the metrics endpoint) and a unique-violation check for Prisma errors.
export const sqlStatementCounts: Record<string, number> = {};

export function countStatement(subgraph: string): void {
  sqlStatementCounts[subgraph] = (sqlStatementCounts[subgraph] ?? 0) + 1;
}

export function totalSqlStatements(): number {
  return Object.values(sqlStatementCounts).reduce((a, b) => a + b, 0);
}

/** Wires a Prisma client's query events into the statement counter. */
export function instrumentPrisma(client: { $on(event: 'query', cb: () => void): void }, subgraph: string): void {
  client.$on('query', () => countStatement(subgraph));
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
 * it differs from what that connection already has.
 */
export class TenantScopedPool extends Pool {
  private readonly tenantOf = new WeakMap<object, string>();

  constructor(config?: PoolConfig) {
    super(config);
    guardPool(this, 'application pool');
  }

  private async applyTenant(client: PoolClient, tenant: string): Promise<void> {
    if (this.tenantOf.get(client) === tenant) return;
    await client.query("SELECT set_config('app.tenant_id', $1, false)", [tenant]);
    this.tenantOf.set(client, tenant);
  }

  override connect(): Promise<PoolClient>;
  override connect(callback: (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<PoolClient> | void {
    const tenant = currentTenant() ?? ''; // read now, in the caller's async context
    if (!callback) {
      return super.connect().then(async (client) => {
        try {
          await this.applyTenant(client, tenant);
          return client;
        } catch (error) {
          client.release(error as Error);
          throw error;
        }
      });
    }
    super.connect((err, client, done) => {
      if (err || !client) return callback(err, client, done);
      this.applyTenant(client, tenant).then(
        () => callback(undefined, client, done),
        (error: Error) => {
          done(error);
          callback(error, undefined, () => undefined);
        },
      );
    });
  }
}

/**
 * Interactive-transaction limits of every subgraph's Prisma client. Prisma's defaults (2 s to get a
 * connection, 5 s to finish) turned a commit that waited on a busy pool at start-up, or on a row
 * lock held by a concurrent writer, into an INTERNAL_SERVER_ERROR.
 */
export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

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

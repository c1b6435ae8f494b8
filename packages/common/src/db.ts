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

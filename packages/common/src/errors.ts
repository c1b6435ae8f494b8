// Errors with the codes of the client contract (shared/contract/README.md, "Errors").
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'PLAN_LIMIT_EXCEEDED'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

/** Codes a client may see with their original message; anything else is masked. */
const PUBLIC_CODES = new Set<string>([
  'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'PLAN_LIMIT_EXCEEDED',
  'RATE_LIMITED', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'QUERY_TOO_COMPLEX',
  'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'PERSISTED_QUERY_REQUIRED', 'OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST',
]);

export function appError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const unauthenticated = (message = 'Authentication required') => appError('UNAUTHENTICATED', message);
export const forbidden = (message: string) => appError('FORBIDDEN', message);
export const notFound = (what: string, field?: string) =>
  appError('NOT_FOUND', `${what} not found`, field ? { field } : {});
export const conflict = (message: string, field?: string) => appError('CONFLICT', message, field ? { field } : {});
export const badInput = (message: string, field?: string) =>
  appError('BAD_USER_INPUT', message, field ? { field } : {});

/**
 * Masks everything that is not one of the contract's public errors: no stack, no SQL, no host names.
 * Used as `formatError` by every subgraph and by the gateway.
 */
export function maskError(formatted: GraphQLFormattedError, original?: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    void _stack;
    return { ...formatted, extensions };
  }
  const refused = original === undefined ? undefined : refusedData(original);
  if (refused) {
    return { message: refused.message, locations: formatted.locations, path: formatted.path, extensions: { code: 'BAD_USER_INPUT', ...(refused.field ? { field: refused.field } : {}) } };
  }
  if (original !== undefined) reportInternalError(original);
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

let reporter: (error: unknown) => void = () => {};
/** Where masked errors go (the logger), so they are not lost while hidden from clients. */
export function setInternalErrorReporter(fn: (error: unknown) => void): void {
  reporter = fn;
}
function reportInternalError(error: unknown): void {
  reporter(error);
}

/**
 * The safety net behind input validation: PostgreSQL refusing a value the client sent (SQLSTATE
 * class 22, "data exception": NUL bytes, text too long for its column, a number or date out of
 * range) is the client's mistake, reported as BAD_USER_INPUT without SQL. Found anywhere in the
 * error's chain (GraphQL originalError, cause, Prisma's driver adapter error).
 */
export function refusedData(error: unknown): { message: string; field?: string } | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && typeof e === 'object' && !seen.has(e); ) {
    seen.add(e);
    const any = e as { originalError?: unknown; cause?: unknown; code?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; column?: unknown } } } };
    const cause = any.meta?.driverAdapterError?.cause;
    const sqlState = typeof cause?.originalCode === 'string' ? cause.originalCode : undefined;
    if (any.code === 'P2000' || sqlState === '22001') {
      // The column's name in the contract's spelling (first_name → firstName).
      const field = typeof cause?.column === 'string' ? cause.column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) : undefined;
      return { message: `${field ?? 'A value'} is too long`, field };
    }
    if (sqlState?.startsWith('22')) return { message: 'A value of the input cannot be stored (invalid text, number or date)' };
    e = any.originalError ?? any.cause;
  }
  return undefined;
}

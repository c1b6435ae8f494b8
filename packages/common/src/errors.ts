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

/** What a client reads when a dependency the answer needs (the shared store) does not answer. */
export const UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable; retry in a few seconds';
const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/**
 * A dependency outage: the contract's INTERNAL_SERVER_ERROR with a fixed, readable message,
 * `extensions.unavailable: true` and `retryAfter` (seconds), HTTP 503 with Retry-After where the
 * error decides the status. Never the cause's text (host names): that goes to the log.
 */
export function unavailable(cause?: unknown): GraphQLError {
  return new GraphQLError(UNAVAILABLE_MESSAGE, {
    originalError: cause instanceof Error ? cause : undefined,
    extensions: {
      code: 'INTERNAL_SERVER_ERROR', unavailable: true, retryAfter: UNAVAILABLE_RETRY_AFTER_SECONDS,
      http: { status: 503, headers: new Map([['retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS)]]) },
    },
  });
}

/** True for an error made by unavailable(), wherever it is in the chain (a subgraph's, passed on). */
export function isUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && typeof e === 'object' && !seen.has(e); e = (e as { originalError?: unknown }).originalError) {
    seen.add(e);
    if ((e as { extensions?: { unavailable?: unknown } }).extensions?.unavailable === true) return true;
  }
  return false;
}

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
  if (code === 'INTERNAL_SERVER_ERROR' && formatted.extensions?.unavailable === true) {
    // Not reported per request: the store's connection and the readiness check log the outage once.
    return { message: UNAVAILABLE_MESSAGE, locations: formatted.locations, path: formatted.path, extensions: { code, unavailable: true, retryAfter: formatted.extensions.retryAfter ?? UNAVAILABLE_RETRY_AFTER_SECONDS } };
  }
  if (original !== undefined && databaseUnavailable(original)) {
    return { message: UNAVAILABLE_MESSAGE, locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR', unavailable: true, retryAfter: UNAVAILABLE_RETRY_AFTER_SECONDS } };
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

/** SQLSTATEs of a connection the server ended or refused (restart, failover, too many clients). */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[1-3]|53300)$/;
/** Node socket errors and node-postgres's own messages for a connection that broke. */
const UNAVAILABLE_CONNECTION = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT)$|Connection terminated|connection timeout|Client has encountered a connection error/i;
/** Prisma's codes for a database it cannot reach or a connection it lost. */
const UNAVAILABLE_PRISMA = new Set(['P1001', 'P1002', 'P1017', 'P2024']);

/**
 * True when the error's chain says the database went away (restarted, failed over, refused the
 * connection) rather than that the query was wrong: the request failed through no fault of its
 * own and succeeds when retried, so it is reported as unavailable(), not as an internal error.
 */
export function databaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && typeof e === 'object' && !seen.has(e); ) {
    seen.add(e);
    const any = e as { originalError?: unknown; cause?: unknown; code?: unknown; message?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; originalMessage?: unknown; kind?: unknown } } } };
    const cause = any.meta?.driverAdapterError?.cause;
    if (typeof any.code === 'string' && (UNAVAILABLE_SQLSTATES.test(any.code) || UNAVAILABLE_PRISMA.has(any.code) || UNAVAILABLE_CONNECTION.test(any.code))) return true;
    if (typeof cause?.originalCode === 'string' && UNAVAILABLE_SQLSTATES.test(cause.originalCode)) return true;
    if (typeof cause?.originalMessage === 'string' && UNAVAILABLE_CONNECTION.test(cause.originalMessage)) return true;
    if (cause?.kind === 'DatabaseNotReachable' || cause?.kind === 'ConnectionClosed' || cause?.kind === 'SocketTimeout' || cause?.kind === 'TooManyConnections') return true;
    if (typeof any.message === 'string' && UNAVAILABLE_CONNECTION.test(any.message)) return true;
    e = any.originalError ?? any.cause ?? any.meta?.driverAdapterError;
  }
  return false;
}

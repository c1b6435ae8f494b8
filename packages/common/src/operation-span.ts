// One `graphql.operation <name>` span per GraphQL operation a server runs (the gateway's client
// operations; a subgraph's `<Operation>__<subgraph>__<n>` fetches), parent of everything done for
// it: at the gateway Apollo's own spans (gateway.request, gateway.validate, gateway.plan,
// gateway.execute, gateway.fetch, gateway.postprocessing), in a subgraph its SQL. No-ops when
// tracing is off.
import type { ApolloServerPlugin } from '@apollo/server';
import { context, createContextKey, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import type { ServerResponse } from 'node:http';
import { tracer } from './trace-context';

const OPERATION_SPAN = createContextKey('bacbos.graphql.operation');

/**
 * Starts the operation's span and runs `fn` (the rest of the request) in it; the span ends when
 * the response closes.
 */
export function startOperationSpan<T>(res: ServerResponse, fn: () => T): T {
  const span = tracer.startSpan('graphql.operation');
  res.once('close', () => span.end());
  return context.with(trace.setSpan(context.active(), span).setValue(OPERATION_SPAN, span), fn);
}

/**
 * startOperationSpan as express middleware. Mount it after the body parser: stream callbacks run
 * in the HTTP server span's context, not in this one.
 */
export const operationSpan: RequestHandler = (_req, res, next) => startOperationSpan(res, next);

/** The current operation's span (startOperationSpan), if tracing records one. */
const currentOperationSpan = (): Span | undefined => context.active().getValue(OPERATION_SPAN) as Span | undefined;

/** Names an operation's span once its operation is known. */
export function nameOperationSpan(operationName: string | null | undefined, operationType: string | undefined, span = currentOperationSpan()): void {
  if (!span) return;
  const type = operationType ?? 'operation';
  span.updateName(`graphql.operation ${operationName ?? `<anonymous ${type}>`}`);
  span.setAttribute('graphql.operation.type', type);
  if (operationName) span.setAttribute('graphql.operation.name', operationName);
}

/** Records an operation's error codes on its span. */
export function recordOperationSpanErrors(codes: readonly string[], span = currentOperationSpan()): void {
  if (!span || codes.length === 0) return;
  const distinct = [...new Set(codes)];
  span.setAttribute('graphql.error.codes', distinct);
  // A client's mistake (BAD_USER_INPUT, FORBIDDEN, ...) is not a failure of the platform.
  if (distinct.includes('INTERNAL_SERVER_ERROR')) span.setStatus({ code: SpanStatusCode.ERROR });
}

/** Names the operation's span once Apollo has resolved the operation; records its error codes. */
export const operationSpanPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    const span = currentOperationSpan();
    if (!span) return;
    return {
      async didResolveOperation({ operationName, operation }) {
        nameOperationSpan(operationName, operation?.operation, span);
      },
      async didEncounterErrors({ errors }) {
        recordOperationSpanErrors(errors.map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')), span);
      },
    };
  },
};

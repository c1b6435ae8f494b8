// Per-request plumbing shared by the gateway and the subgraphs: the x-request-id (honoured when
// sane, else generated; echoed on every response), the request's context for logs, and one record
// per GraphQL request feeding the operation metrics and the access log.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import {
  gatewayRequestDuration, gatewayRequestErrors, gatewayRequests, operationLabel, subgraphRequestDuration, subgraphRequestErrors, subgraphRequests,
} from './metrics';
import { currentRequest, runInRequest, type RequestRecord } from './request-context';

export const REQUEST_ID_HEADER = 'x-request-id';

/** What a client's request id may look like: a bounded token (UUIDs, ULIDs, proxies' ids). */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The client's id when it is sane (bounded length, safe characters), otherwise a new UUID. */
export function acceptRequestId(value: string | string[] | undefined | null): string {
  return typeof value === 'string' && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}

/** The trace id of the active span, when tracing is on (no SDK registered: no span, no id). */
export function activeTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? context.traceId : undefined;
}

const recordOf = (res: Response): RequestRecord | undefined => res.locals.request as RequestRecord | undefined;

/** The request id of a response being served (also outside the request's async context). */
export const requestIdOf = (res: Response): string | undefined => recordOf(res)?.requestId;

/** A new request's record: its id (the client's when sane), trace id and arrival time. */
export function newRequestRecord(requestIdHeader: string | string[] | undefined): RequestRecord {
  return {
    requestId: acceptRequestId(requestIdHeader),
    traceId: activeTraceId(),
    startedAt: process.hrtime.bigint(),
    resolved: false,
    operationName: null,
    operationType: null,
    errorCodes: new Set(),
  };
}

/**
 * First middleware of a server: settles the request id, returns it on the response (whatever
 * answers later: GraphQL, health, an error handler) and runs the rest of the request with it.
 */
export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  const record = newRequestRecord(req.headers[REQUEST_ID_HEADER]);
  res.locals.request = record;
  res.setHeader(REQUEST_ID_HEADER, record.requestId);
  runInRequest(record, next);
};

/**
 * Re-enters the request's context: a body parser calls `next` from stream callbacks, outside it.
 * Place after express.json().
 */
export const resumeRequestContext: RequestHandler = (_req, res, next) => {
  const record = recordOf(res);
  if (record) runInRequest(record, next);
  else next();
};

const codeOf = (error: { extensions?: Record<string, unknown> } | undefined): string =>
  typeof error?.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR';

/** The operation a request runs, once it parsed and validated (its name is then a safe label). */
export function recordResolvedOperation(record: RequestRecord, operationName: string | null, operationType: string | null): void {
  record.resolved = true;
  record.operationName = operationName;
  record.operationType = operationType;
  record.traceId ??= activeTraceId();
}

/**
 * Fills the current request's record from Apollo: the operation once it parsed and validated,
 * the error codes of the response (after masking), the caller. Executions without an HTTP request
 * (the gateway's subscription payloads) have no record and are left alone.
 */
export const operationRecorderPlugin: ApolloServerPlugin<BaseContext> = {
  async contextCreationDidFail({ error }) {
    currentRequest()?.errorCodes.add(codeOf(error as never));
  },
  async invalidRequestWasReceived({ error }) {
    currentRequest()?.errorCodes.add(codeOf(error as never));
  },
  async requestDidStart() {
    const record = currentRequest();
    if (!record) return;
    return {
      async didResolveOperation({ operationName, operation }) {
        recordResolvedOperation(record, operationName, operation?.operation ?? null);
      },
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind === 'single') for (const error of response.body.singleResult.errors ?? []) record.errorCodes.add(codeOf(error));
        const caller = (contextValue as { caller?: RequestRecord['caller'] }).caller;
        if (caller) record.caller = caller;
      },
    };
  },
};

export interface GraphQLObserverOptions {
  /** 'gateway', or the subgraph's name. */
  server: string;
  log: Logger;
  /** The access log's level: info at the gateway, debug at the subgraphs. */
  level: 'info' | 'debug';
}

/**
 * Once `res` is sent (or its connection closed), counts the request (operation metrics) and writes
 * its access-log line. Never a variable, a token or the query text; the operation name only when it
 * validated. For servers that answer without express (the gateway's POST /graphql).
 */
export function observeGraphQLResponse(options: GraphQLObserverOptions, record: RequestRecord, res: ServerResponse, callerOf: () => RequestRecord['caller'] = () => undefined): void {
  const gateway = options.server === 'gateway';
  res.once('close', () => {
    const seconds = Number(process.hrtime.bigint() - record.startedAt) / 1e9;
    const caller = record.caller ?? callerOf();
    // A failure answered before GraphQL ran (a refused body, the subgraph gate) has no code.
    if (res.statusCode >= 400 && record.errorCodes.size === 0) record.errorCodes.add(res.statusCode === 401 ? 'UNAUTHENTICATED' : `HTTP_${res.statusCode}`);
    const operation = operationLabel(options.server, record.operationName, record.resolved);
    const type = record.operationType ?? 'unknown';
    if (gateway) {
      gatewayRequests.inc({ operation, type });
      gatewayRequestDuration.observe({ operation, type }, seconds);
      for (const code of record.errorCodes) gatewayRequestErrors.inc({ operation, code });
    } else {
      const subgraph = options.server;
      subgraphRequests.inc({ subgraph, operation, type });
      subgraphRequestDuration.observe({ subgraph, operation, type }, seconds);
      for (const code of record.errorCodes) subgraphRequestErrors.inc({ subgraph, operation, code });
    }
    options.log[options.level](
      {
        requestId: record.requestId,
        ...(record.traceId ? { traceId: record.traceId } : {}),
        operation: record.resolved ? (record.operationName?.slice(0, 100) ?? null) : null,
        operationType: record.operationType,
        tenantId: caller?.tenantId ?? null,
        callerKind: caller?.kind ?? null,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1e4) / 10,
        errorCodes: [...record.errorCodes],
        ...(res.writableFinished ? {} : { aborted: true }),
      },
      'graphql request',
    );
  });
}

/** On a GraphQL route of an express app, before anything that may answer: observeGraphQLResponse. */
export function observeGraphQLRequests(options: GraphQLObserverOptions): RequestHandler {
  return (_req, res, next) => {
    const record = recordOf(res);
    if (record) observeGraphQLResponse(options, record, res, () => res.locals.caller as RequestRecord['caller']);
    next();
  };
}

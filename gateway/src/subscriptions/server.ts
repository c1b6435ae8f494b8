// graphql-ws (`graphql-transport-ws`) on the gateway's /graphql path. The protocol's own close
// codes apply: 4400 bad message, 4401 subscribe before the connection is acknowledged, 4403 a bad
// credential in connectionParams (or a session/API key revoked while connected), 4408 no
// connection_init in time, 4409 a subscription id used twice, 4429 a second connection_init.
// The gateway's own limits (limits.ts): 1009 a message too large, 4429 too many sockets for the
// tenant or subscriptions on the socket, 1006 a socket that stops answering pings.
import type { IncomingHttpHeaders, Server } from 'node:http';
import { GraphQLError, getOperationAST, getVariableValues, parse, specifiedRules, validate, type DocumentNode, type ExecutionArgs, type GraphQLSchema, type ParseOptions, type ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { REQUEST_ID_HEADER, acceptRequestId, isUnavailable, revokedCallers, setting, shutdownTimeoutMs, websocketConnections, withIncomingSpan, type CallerIdentity, type Logger } from '@bacbos/common';
import type { Credentials } from '../auth';
import { deriveSubscription, SubscriptionShapeError } from './derive';
import type { SubscriptionHub } from './hub';
import type { SubscriptionRoute } from './routes';
import { requestLimits, requestLimitsFromSettings, tokenLimitError, unresolvableOperation, withoutSuggestions } from '../limits';
import { persistedManifest, persistedOperationsRequired, sha256 } from '../persisted';
import { logSocketErrors, SocketLimits } from './limits';

export interface SubscriptionServerOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  /** Subscription field → its route (read from the supergraph's @eventStream directives). */
  routes: ReadonlyMap<string, SubscriptionRoute>;
  hub: SubscriptionHub;
  authenticate: (credentials: Credentials) => Promise<CallerIdentity>;
  log: Logger;
}

const FORBIDDEN = 4403;

export function attachSubscriptionServer(options: SubscriptionServerOptions): { close(): Promise<void> } {
  const limits = new SocketLimits();
  const wss = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: limits.maxMessageBytes });
  // The same token, alias, directive and depth limits as over HTTP, and suggestions only with introspection.
  const { parseOptions, validationRules } = requestLimits();
  const checks: OperationChecks = { parseOptions, rules: [...specifiedRules, ...validationRules], suggestions: requestLimitsFromSettings().suggestions };
  const manifestOnly = persistedOperationsRequired() ? persistedManifest() : undefined;
  const callers = new Map<WebSocket, CallerIdentity>();
  wss.on('connection', (socket) => {
    websocketConnections.inc();
    socket.once('close', () => websocketConnections.dec());
  });

  // A revoked session or API key loses its live subscriptions at once, on every instance.
  options.hub.onEvent = (event) => {
    const revoked = revokedCallers(event);
    if (!revoked) return;
    for (const [socket, caller] of callers) {
      if (revoked(caller)) socket.close(FORBIDDEN, 'Forbidden');
    }
  };

  const server = useServer<Record<string, unknown>, { caller?: CallerIdentity }>(
    {
      schema: options.schema,
      connectionInitWaitTimeout: setting('WS_CONNECTION_INIT_TIMEOUT_MS'),
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        try {
          const caller = await withIncomingSpan('graphql-ws connection_init', ctx.extra.request.headers, () =>
            options.authenticate({
              authorization: typeof params.authorization === 'string' ? params.authorization : typeof params.Authorization === 'string' ? params.Authorization : null,
              apiKey: typeof params.apiKey === 'string' ? params.apiKey : null,
              ipAddress: ctx.extra.request.socket.remoteAddress ?? null,
              userAgent: ctx.extra.request.headers['user-agent'] ?? null,
              // The upgrade request's id: payload queries of this connection carry it to the subgraphs.
              requestId: acceptRequestId(ctx.extra.request.headers[REQUEST_ID_HEADER]),
            }),
          );
          if (caller.kind === 'anonymous') return false;
          if (!limits.admit(ctx.extra.socket, caller)) return false; // closed with 4429 already
          ctx.extra.caller = caller;
          callers.set(ctx.extra.socket, caller);
          return true;
        } catch (error) {
          // The credential could not be checked (Redis away): 1013 "try again later", which
          // clients retry, rather than 4403, which tells them the credential is bad.
          if (isUnavailable(error)) ctx.extra.socket.close(1013, 'Try again later');
          return false; // graphql-ws closes with 4403 Forbidden
        }
      },
      onClose: (ctx) => {
        callers.delete(ctx.extra.socket);
      },
      context: (ctx) => ({ caller: ctx.extra.caller, headers: ctx.extra.request.headers }),
      onSubscribe: (ctx, _id, payload) => {
        if (!limits.admitSubscription(ctx.extra.socket, Object.keys(ctx.subscriptions).length)) {
          return [new GraphQLError('Too many subscriptions on this socket', { extensions: { code: 'RATE_LIMITED' } })];
        }
        if (manifestOnly && !manifestOnly.has(sha256(payload.query))) {
          return [new GraphQLError('This deployment runs persisted operations only: subscribe with an operation of the manifest', { extensions: { code: 'PERSISTED_QUERY_REQUIRED' } })];
        }
        return prepareOperation(options.schema, payload, checks);
      },
      subscribe: async (args) => {
        const { caller, headers } = args.contextValue as { caller: CallerIdentity; headers: IncomingHttpHeaders };
        try {
          const derived = deriveSubscription(options.schema, options.routes, args.document, args.operationName, (args.variableValues ?? {}) as Record<string, unknown>);
          // The span covers registering (a replay from `after` runs on as its child), not the stream.
          return await withIncomingSpan(`graphql.subscribe ${derived.responseKey}`, headers, async () => options.hub.register(caller, derived));
        } catch (error) {
          if (error instanceof SubscriptionShapeError) return { errors: [new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } })] };
          throw error;
        }
      },
      execute: async () => ({
        errors: [new GraphQLError('Only subscriptions run over this WebSocket; send queries and mutations over HTTP', { extensions: { code: 'BAD_USER_INPUT' } })],
      }),
    },
    wss,
    limits.keepAliveMs,
  );
  logSocketErrors(wss, options.log);

  return {
    // graphql-ws closes every socket with 1001 (going away) and waits for the clients' close
    // frames; one that does not answer within the shutdown timeout is cut off.
    close: async () => {
      const cutOff = setTimeout(() => wss.clients.forEach((socket) => socket.terminate()), shutdownTimeoutMs()).unref();
      try {
        await server.dispose();
      } finally {
        clearTimeout(cutOff);
      }
    },
  };
}

export interface OperationChecks {
  parseOptions: ParseOptions;
  rules: readonly ValidationRule[];
  /** Keep graphql-js's "Did you mean …?" (only where introspection is allowed). */
  suggestions: boolean;
}

/**
 * Parses, validates, picks the operation and checks its variables as over HTTP, with the same
 * codes. graphql-ws's own preparation closed the whole socket (4500) on a syntax error and sent
 * validation errors and an unknown `operationName` without a code; these now go back on the one
 * operation, and the socket's other subscriptions go on.
 */
export function prepareOperation(
  schema: GraphQLSchema,
  payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
  checks: OperationChecks,
): ExecutionArgs | GraphQLError[] {
  const refuse = (errors: readonly GraphQLError[], code: string) => errors.map((error) => {
    // The limit's own code and measurements if it has them, never the HTTP status Apollo would strip.
    const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
    const message = checks.suggestions ? error.message : withoutSuggestions(error.message);
    return new GraphQLError(message, { nodes: error.nodes, extensions: { code, ...extensions } });
  });
  let document: DocumentNode;
  try {
    document = parse(payload.query, checks.parseOptions);
  } catch (error) {
    const message = error instanceof GraphQLError ? error.message : 'The document could not be parsed';
    return refuse([tokenLimitError(message, checks.parseOptions.maxTokens ?? Infinity) ?? new GraphQLError(message)], 'GRAPHQL_PARSE_FAILED');
  }
  const invalid = validate(schema, document, checks.rules);
  if (invalid.length) return refuse(invalid, 'GRAPHQL_VALIDATION_FAILED');
  const operation = getOperationAST(document, payload.operationName);
  if (!operation) return refuse([unresolvableOperation(payload.operationName)], 'GRAPHQL_VALIDATION_FAILED');
  // Checked here because the hub derives the event's arguments from them: a missing required
  // variable or an `after` of the wrong type would otherwise be dropped without a word.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 25 });
  if (coerced.errors) return refuse(coerced.errors, 'BAD_USER_INPUT');
  return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
}

// One way to run a subgraph: an Apollo subgraph schema behind express, a health endpoint,
// structured logs, masked errors, and a gate that refuses every request the gateway did not sign.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { trace } from '@opentelemetry/api';
import type { GraphQLSchemaModule } from '@apollo/subgraph/dist/schema-helper';
import express from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { databaseUrlFor, internalContextSecret, outboxRetentionMs, type SubgraphName } from './config';
import { OutboxRelay, type EventBus } from './events';
import { maskError, setInternalErrorReporter } from './errors';
import { useJsonErrors } from './http-errors';
import { createHttpServer, listenHttp } from './http-server';
import { shutdownTimeoutMs } from './lifecycle';
import { SubgraphExecutor } from './graphql-executor';
import { apolloRequest, graphqlMiddleware, writeApolloResponse } from './graphql-http';
import { httpErrorBody } from './http-errors';
import { CONTEXT_HEADER, verifyCallerIdentitySync, type CallerIdentity } from './identity';
import { isPlainJsonPost, readJsonBodyOrAnswer, sendJson } from './json-body';
import type { KeyValueStore } from './kv';
import { rootLogger, type Logger } from './logger';
import {
  REQUEST_ID_HEADER, busReadiness, kvReadiness, newRequestRecord, observeGraphQLRequests, observeGraphQLResponse, observeOutbox, operationalRoutes, operationRecorderPlugin,
  recordResolvedOperation, requestIdMiddleware, resumeRequestContext, runInRequest, type RequestRecord,
} from './observability';
import { nameOperationSpan, operationSpan, operationSpanPlugin, recordOperationSpanErrors, startOperationSpan } from './operation-span';
import { withTenant } from './tenant-context';

export interface SubgraphDefinition<Context extends object> {
  name: SubgraphName;
  /** One module per bounded context: its SDL and its resolvers. */
  modules: GraphQLSchemaModule[];
  /** Builds the per-request context once, from the verified caller. */
  createContext(caller: CallerIdentity, log: Logger): Context | Promise<Context>;
  /** Answers the health check (for example `SELECT 1`). */
  healthCheck(): Promise<void>;
  /** The shared store it uses, if any (its readiness then includes Redis). */
  kv?: KeyValueStore;
  /** False for a subgraph that writes no events (search): no outbox relay is started for it. */
  outbox?: boolean;
  /** Releases pools and other resources on shutdown. */
  close(): Promise<void>;
  /**
   * Plain HTTP endpoints of the subgraph (e.g. identity's OAuth token endpoint), mounted before
   * /graphql. They sit behind the same gate: only the gateway, signing its context, reaches them;
   * `res.locals.caller` holds the verified caller.
   */
  routes?: (router: express.Router) => void;
  /**
   * Background work that consumes events (e.g. the platform's audit trail), started when the
   * subgraph runs with a bus; returns its stop function.
   */
  consume?: (bus: EventBus) => Promise<() => Promise<void>>;
}

export interface RunningSubgraph {
  name: SubgraphName;
  url: string;
  schema: GraphQLSchema;
  relay?: OutboxRelay;
  stop(): Promise<void>;
}

/** The largest GraphQL request body a subgraph reads (the gateway's fetches with their variables). */
const GRAPHQL_BODY_BYTES = 2 * 1024 * 1024;

export function buildSchema(modules: GraphQLSchemaModule[]): GraphQLSchema {
  return buildSubgraphSchema(modules);
}

export async function startSubgraph<Context extends object>(
  definition: SubgraphDefinition<Context>,
  options: {
    port: number;
    host?: string;
    /** When given, this instance also runs an outbox relay publishing the subgraph's events to it. */
    bus?: EventBus;
  },
): Promise<RunningSubgraph> {
  const log = rootLogger.child({ subgraph: definition.name });
  setInternalErrorReporter((error) => rootLogger.error({ err: error }, 'internal error (masked for the client)'));
  const schema = buildSchema(definition.modules);
  const app = express();
  // POST /graphql in its plain form (the gateway's every fetch) is served without express (below).
  const handlers: { graphqlPost?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const httpServer = createHttpServer((req, res) => {
    if (handlers.graphqlPost && isPlainJsonPost(req, '/graphql')) handlers.graphqlPost(req, res);
    else app(req, res);
  });
  const server = new ApolloServer<Context>({
    schema,
    formatError: maskError,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // Signals belong to the process (lifecycle.ts), which stops everything in order.
    stopOnTerminationSignals: false,
    // Inline traces are for Apollo's hosted studio, which this platform does not report to; no
    // schema sets cache hints, and the cache-control plugin wraps every field's resolver to read them.
    // On stop: stop accepting, let in-flight requests finish within SHUTDOWN_TIMEOUT_MS.
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: shutdownTimeoutMs() }), ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), operationRecorderPlugin, operationSpanPlugin],
  });
  await server.start();
  const secret = internalContextSecret();
  const executor = new SubgraphExecutor<Context>(schema, maskError);
  let stopped = false;

  app.use(requestIdMiddleware);
  app.use(operationalRoutes({
    checks: [{ name: 'database', check: () => definition.healthCheck() }, ...kvReadiness(definition.kv), ...busReadiness(options.bus)],
    log,
  }));
  app.get('/health', async (_req, res) => {
    try {
      await definition.healthCheck();
      res.json({ status: 'ok', subgraph: definition.name });
    } catch {
      res.status(503).json({ status: 'unavailable', subgraph: definition.name });
    }
  });

  /** The gate: only requests carrying a fresh context signed by the gateway get through; otherwise 401 is sent. */
  const verifiedCaller = (header: string | undefined, res: ServerResponse): CallerIdentity | undefined => {
    try {
      return verifyCallerIdentitySync(header, secret);
    } catch (error) {
      sendJson(res, 401, { errors: [{ message: (error as Error).message, extensions: { code: 'UNAUTHENTICATED' } }] });
      return undefined;
    }
  };
  const gate: express.RequestHandler = (req, res, next) => {
    const caller = verifiedCaller(req.header(CONTEXT_HEADER), res);
    if (!caller) return;
    res.locals.caller = caller;
    next();
  };
  const contextFor = (caller: CallerIdentity) => (): Promise<Context> | Context =>
    // The request id comes with every line from the request's context (logger mixin).
    definition.createContext(caller, log.child({ tenantId: caller.tenantId }));
  if (definition.routes) {
    const router = express.Router();
    definition.routes(router);
    app.use('/internal', gate, router);
  }
  app.use(
    '/graphql',
    observeGraphQLRequests({ server: definition.name, log, level: 'debug' }),
    gate,
    express.json({ limit: GRAPHQL_BODY_BYTES }),
    resumeRequestContext,
    operationSpan,
    // After the body is read (stream callbacks would lose the async context): everything the
    // request does from here runs with its tenant, which the database pool hands to RLS.
    (_req, res, next) => void withTenant((res.locals.caller as CallerIdentity).tenantId, next),
    graphqlMiddleware(server, async ({ res }) => contextFor(res.locals.caller as CallerIdentity)()),
  );

  // The same steps as the express chain above, in the same order, without express: request id,
  // access log and metrics on close, the gate, the body (limit, malformed JSON), the operation's
  // span, the tenant; then the prepared operation run directly (graphql-executor.ts), or Apollo.
  const observer = { server: definition.name, log, level: 'debug' } as const;
  async function servePost(req: IncomingMessage, res: ServerResponse, record: RequestRecord, caller: CallerIdentity): Promise<void> {
    const read = await readJsonBodyOrAnswer(req, res, GRAPHQL_BODY_BYTES);
    if (!read) return;
    const { body } = read;
    const context = contextFor(caller);
    await startOperationSpan(res, () => withTenant(caller.tenantId, async () => {
      const fast = stopped ? undefined : await executor.run(body, req.headers.accept, context);
      if (!fast) return writeApolloResponse(res, await server.executeHTTPGraphQLRequest({ httpGraphQLRequest: apolloRequest(req, body), context: async () => context() }));
      const operationName = fast.operation.name?.value ?? null;
      recordResolvedOperation(record, operationName, fast.operation.operation);
      nameOperationSpan(operationName, fast.operation.operation);
      for (const code of fast.errorCodes) record.errorCodes.add(code);
      recordOperationSpanErrors(fast.errorCodes);
      res.statusCode = fast.status;
      for (const [name, value] of fast.headers) res.setHeader(name, value);
      res.end(fast.body);
    }));
  }
  handlers.graphqlPost = (req, res) => {
    // The HTTP server span's route and name, as express's instrumentation gives them on its routes
    // (no span when tracing is off).
    trace.getActiveSpan()?.setAttribute('http.route', '/graphql').updateName('POST /graphql');
    const record = newRequestRecord(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, record.requestId);
    let caller: CallerIdentity | undefined;
    observeGraphQLResponse(observer, record, res, () => caller);
    runInRequest(record, () => {
      caller = verifiedCaller(req.headers[CONTEXT_HEADER] as string | undefined, res);
      if (!caller) return;
      servePost(req, res, record, caller).catch((error: unknown) => {
        log.error({ err: error }, 'unhandled error serving POST /graphql');
        if (res.headersSent) res.destroy();
        else sendJson(res, 500, httpErrorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
      });
    });
  };

  useJsonErrors(app);

  const host = options.host ?? '127.0.0.1';
  await listenHttp(httpServer, options.port, host, `${definition.name.toUpperCase()}_PORT`);
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${host}:${port}/graphql`;
  let relay: OutboxRelay | undefined;
  let stopConsuming: (() => Promise<void>) | undefined;
  let stopObservingOutbox: (() => void) | undefined;
  if (options.bus && definition.outbox !== false) {
    relay = new OutboxRelay({ connectionString: databaseUrlFor(definition.name), subgraph: definition.name, bus: options.bus, log, retentionMs: outboxRetentionMs() });
    await relay.start();
    const running = relay;
    stopObservingOutbox = observeOutbox(definition.name, () => running.backlog());
  }
  if (options.bus) stopConsuming = await definition.consume?.(options.bus);
  log.info({ url, relay: Boolean(relay) }, 'subgraph listening');
  return {
    name: definition.name,
    url,
    schema,
    relay,
    stop: async () => {
      stopped = true;
      await server.stop();
      await stopConsuming?.();
      stopObservingOutbox?.();
      await relay?.stop();
      await definition.close();
    },
  };
}

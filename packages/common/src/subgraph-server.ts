// One way to run a subgraph: an Apollo subgraph schema behind express, a health endpoint,
// structured logs, masked errors, and a gate that refuses every request the gateway did not sign.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLSchemaModule } from '@apollo/subgraph/dist/schema-helper';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { databaseUrlFor, internalContextSecret, outboxRetentionMs, type SubgraphName } from './config';
import { OutboxRelay, type EventBus } from './events';
import { maskError, setInternalErrorReporter } from './errors';
import { useJsonErrors } from './http-errors';
import { createHttpServer } from './http-server';
import { shutdownTimeoutMs } from './lifecycle';
import { graphqlMiddleware } from './graphql-http';
import { CONTEXT_HEADER, verifyCallerIdentitySync, type CallerIdentity } from './identity';
import type { KeyValueStore } from './kv';
import { rootLogger, type Logger } from './logger';
import {
  busReadiness, kvReadiness, observeGraphQLRequests, observeOutbox, operationalRoutes, operationRecorderPlugin, requestIdMiddleware, resumeRequestContext,
} from './observability';
import { operationSpan, operationSpanPlugin } from './operation-span';
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
  const httpServer = createHttpServer(app);
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

  // The gate: only requests carrying a fresh context signed by the gateway get through.
  const gate: express.RequestHandler = (req, res, next) => {
    let caller: CallerIdentity;
    try {
      caller = verifyCallerIdentitySync(req.header(CONTEXT_HEADER), secret);
    } catch (error) {
      res.status(401).json({ errors: [{ message: (error as Error).message, extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    res.locals.caller = caller;
    next();
  };
  if (definition.routes) {
    const router = express.Router();
    definition.routes(router);
    app.use('/internal', gate, router);
  }
  app.use(
    '/graphql',
    observeGraphQLRequests({ server: definition.name, log, level: 'debug' }),
    gate,
    express.json({ limit: '2mb' }),
    resumeRequestContext,
    operationSpan,
    // After the body is read (stream callbacks would lose the async context): everything the
    // request does from here runs with its tenant, which the database pool hands to RLS.
    (_req, res, next) => void withTenant((res.locals.caller as CallerIdentity).tenantId, next),
    graphqlMiddleware(server, async ({ res }) => {
      const caller = res.locals.caller as CallerIdentity;
      // The request id comes with every line from the request's context (logger mixin).
      return definition.createContext(caller, log.child({ tenantId: caller.tenantId }));
    }),
  );

  useJsonErrors(app);

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => httpServer.listen(options.port, host, resolve));
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
      await server.stop();
      await stopConsuming?.();
      stopObservingOutbox?.();
      await relay?.stop();
      await definition.close();
    },
  };
}

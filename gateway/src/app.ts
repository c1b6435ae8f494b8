// The gateway: Apollo Gateway over the composed supergraph, authentication, the signed caller
// context for subgraphs, error masking and the playground: POST /graphql on a plain node:http
// handler (graphql-post.ts), everything else on one express app.
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Supergraph } from '@apollo/federation-internals';
import { GraphQLError, type ExecutionResult } from 'graphql';
import {
  ALL_TOPICS, CONTEXT_HEADER, REQUEST_ID_HEADER, busReadiness, createHttpServer, createKeyValueStore, listenHttp, disableApolloTelemetry, kvReadiness, maskError, observeGraphQLRequests,
  operationalRoutes, operationRecorderPlugin, operationSpan, operationSpanPlugin, requestIdMiddleware, resumeRequestContext, rootLogger,
  setInternalErrorReporter, setting, shutdownTimeoutMs, unavailable, useJsonErrors, type CallerIdentity, type EventBus, type KeyValueStore,
} from '@bacbos/common';
import { AccessControl } from './access';
import { callerHeader } from './caller-header';
import { createSubgraphFetcher } from './fetcher';
import { inflightDedupEnabled, markDedupable, withInflightDedup } from './dedup';
import { observeSubgraphFetch } from './fetch-metrics';
import { authenticate } from './auth';
import { budgetsPlugin } from './budgets';
import { legacyJsonStatusPlugin } from './http-conformance';
import { gatewayExecutorKind, withCompiledExecutor } from './executor';
import type { DirectDataSource, DirectRequest } from './executor/plan';
import { inputGuardPlugin } from './input-guard';
import { graphqlPostHandler, isPlainGraphQLPost } from './graphql-post';
import { bodyLimit, requestLimits, requestLimitsFromSettings } from './limits';
import { oauthTokenRouter } from './oauth';
import { manifestOperations, persistedOperations } from './persisted';
import { PlanCache, type WarmedPlans } from './plan-cache';
import { playgroundRouter } from './playground';
import { SubscriptionHub } from './subscriptions/hub';
import { subscriptionRoutes } from './subscriptions/routes';
import { attachSubscriptionServer } from './subscriptions/server';
import { nameFetchSpan } from './tracing';

export interface GatewayContext {
  caller: CallerIdentity;
}

const fetchLog = rootLogger.child({ component: 'gateway' });

/** `TypeError fetch failed <- SocketError UND_ERR_SOCKET other side closed`: names, codes and messages, outermost first. */
export function causeChain(error: unknown): string {
  const links: string[] = [];
  for (let e = error as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown } | undefined; e && typeof e === 'object' && links.length < 5; e = e.cause as typeof e) {
    links.push([e.name, e.code, e.message].filter((part) => typeof part === 'string' && part).join(' '));
  }
  return links.join(' <- ');
}

/**
 * A subgraph answers HTTP 400 when a variable fails its scalar (a Date "2026-02-30", a float for a
 * Decimal): the client's mistake, with a BAD_USER_INPUT error in the body. Apollo's data source
 * would turn any non-2xx into an opaque error (masked as INTERNAL_SERVER_ERROR); pass the
 * subgraph's own contract error through instead.
 */
/** What every subgraph call carries besides its body: named span, signed caller, request id, dedup mark. */
type DecorateFetch = (context: Partial<GatewayContext>, query: string, set: (name: string, value: string) => void) => void;

type ProcessOptions = Parameters<RemoteGraphQLDataSource<GatewayContext>['process']>[0];
type ProcessResult = ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']>;

/** `cache-control` directives as RemoteGraphQLDataSource reads them (parseCacheControlHeader). */
function cacheHint(header: string | null | undefined): { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } {
  const hint: { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } = { maxAge: 0 };
  for (const part of (header ?? '').split(',')) {
    const [name, value] = part.trim().split('=');
    const key = name?.toLowerCase();
    if (key === 'max-age' && value !== undefined && /^[0-9]+$/.test(value)) hint.maxAge = Number(value);
    else if (key === 'private' && value === undefined) hint.scope = 'PRIVATE';
    else if (key === 'public' && value === undefined) hint.scope = 'PUBLIC';
  }
  return hint;
}

class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> implements DirectDataSource {
  constructor(
    /** The subgraph's name, for the fetch metrics. */
    readonly subgraph: string,
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    private readonly decorate: DecorateFetch,
  ) {
    super({ ...config, willSendRequest: ({ request, context }) => decorate(context, request.query ?? '', (name, value) => request.http?.headers.set(name, value)) });
  }

  /** A subgraph that cannot be reached (stopped, restarting) fails its fields with the retryable outage answer. */
  private observed(options: ProcessOptions, call: () => ProcessResult): ProcessResult {
    // HTTP answers already arrive as GraphQLErrors (errorFromResponse).
    return observeSubgraphFetch(this.subgraph, options, call).catch((error: unknown) => {
      if (error instanceof GraphQLError) throw error;
      // The client reads only "unavailable"; the operator reads why (refused, reset, closed by the peer).
      fetchLog.warn({ subgraph: this.subgraph, cause: causeChain(error) }, 'subgraph fetch failed; answered unavailable');
      throw unavailable(error);
    });
  }

  override process(options: ProcessOptions): ProcessResult {
    return this.observed(options, () => super.process(options));
  }

  /**
   * The compiled executor's call (executor/plan.ts): what process() does for a client operation
   * (the same headers, body, fetcher, error mapping, metrics and cache hint), without building
   * node-fetch Headers and Request objects for it.
   */
  sendDirect(body: DirectRequest, options: ProcessOptions): ProcessResult {
    return this.observed(options, async () => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      this.decorate(options.context, body.query, (name, value) => {
        headers[name.toLowerCase()] = value;
      });
      const response = await this.fetcher(this.url as string, { method: 'POST', headers, body: JSON.stringify(body) });
      if (!response.ok) throw await this.errorFromResponse(response);
      const parsed = await this.parseBody(response);
      if (typeof parsed !== 'object' || parsed === null) throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
      const policy = 'incomingRequestContext' in options ? options.incomingRequestContext.overallCachePolicy : undefined;
      if (this.honorSubgraphCacheControlHeader && policy && 'restrict' in policy) policy.restrict(cacheHint(response.headers.get('cache-control')));
      return { ...parsed, http: response } as Awaited<ProcessResult>;
    });
  }

  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    if (response.status === 400 || response.status === 503) {
      try {
        const body = (await response.clone().json()) as { errors?: { message: string; extensions?: { code?: string; unavailable?: unknown } }[] };
        const first = body.errors?.[0];
        if (first?.extensions?.code === 'BAD_USER_INPUT') return new GraphQLError(first.message, { extensions: { code: 'BAD_USER_INPUT' } });
        // A dependency of the subgraph is away (Redis, say): the same retryable answer here.
        if (first?.extensions?.unavailable === true) return unavailable();
      } catch {
        // not JSON: fall back to the default below
      }
    }
    return super.errorFromResponse(response);
  }
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** Subgraph name → URL; overrides the URLs written in the supergraph (ports differ per run). */
  subgraphUrls?: Partial<Record<string, string>>;
  internalContextSecret: string;
  accessTokenSecret: string;
  port: number;
  host?: string;
  /** Feeds the graphql-ws subscriptions; without it, subscriptions are not served. */
  bus?: EventBus;
  /** Revocations, tenant state and rate limits (Redis when REDIS_URL is set). */
  kv?: KeyValueStore;
}

export interface RunningGateway {
  url: string;
  /** The persisted manifest's queries and mutations planned before the gateway listened. */
  warmedPlans: WarmedPlans;
  /** The live-subscription hub (absent without a bus). */
  hub?: SubscriptionHub;
  stop(): Promise<void>;
}

/**
 * The routing URL of a subgraph as written in the supergraph (join__Graph), or undefined when the
 * supergraph has no such subgraph: the gateway serves any supergraph (the federation audit's, for
 * one), and mounts the routes that need one of ours (credentials, /oauth/token) only where it exists.
 */
function supergraphUrlOf(supergraphSdl: string, name: string): string | undefined {
  return new RegExp(`@join__graph\\(name: "${name}", url: "([^"]+)"\\)`).exec(supergraphSdl)?.[1];
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const log = rootLogger.child({ component: 'gateway' });
  setInternalErrorReporter((error) => log.error({ err: error }, 'internal error (masked for the client)'));
  disableApolloTelemetry(); // read by the ApolloGateway constructor
  const planCache = new PlanCache();
  planCache.checkCapacity(manifestOperations()); // before anything is started that would need stopping
  const subgraphFetcher = createSubgraphFetcher();
  const dedup = inflightDedupEnabled();
  const dataSources = new Map<string, GraphQLDataSource>();
  const apolloGateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    queryPlannerConfig: { cache: planCache },
    buildService: ({ name, url }) => {
      const dataSource = new SubgraphDataSource(name, {
        url: options.subgraphUrls?.[name] ?? url,
        fetcher: dedup ? withInflightDedup(subgraphFetcher.fetch) : subgraphFetcher.fetch,
      }, (context, query, set) => {
        nameFetchSpan(name);
        // Subgraphs refuse requests without this header, so nothing reaches them around the gateway.
        if (context.caller) set(CONTEXT_HEADER, callerHeader(context.caller, options.internalContextSecret));
        if (context.caller) set(REQUEST_ID_HEADER, context.caller.requestId);
        if (dedup) markDedupable({ query, http: { headers: { set } } }, context.caller);
      });
      dataSources.set(name, dataSource); // the compiled executor fetches through the same ones
      return dataSource;
    },
  });
  const executor = gatewayExecutorKind();
  const gateway = executor === 'compiled' ? withCompiledExecutor(apolloGateway, { planCache, dataSources }) : apolloGateway;

  let supergraphLoaded = false;
  gateway.onSchemaLoadOrUpdate(() => {
    supergraphLoaded = true;
  });

  const kv = options.kv ?? createKeyValueStore();
  const internalUrl = (name: string) => (options.subgraphUrls?.[name] ?? supergraphUrlOf(options.supergraphSdl, name))?.replace(/\/graphql$/, '/internal');
  const access = new AccessControl(kv, internalUrl('platform'), internalUrl('identity'), options.internalContextSecret, options.accessTokenSecret);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', setting('TRUST_PROXY'));
  // POST /graphql in its plain form is served without express (graphql-post.ts) once Apollo started.
  const handlers: { graphqlPost?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const httpServer = createHttpServer((req, res) => {
    if (handlers.graphqlPost && isPlainGraphQLPost(req)) handlers.graphqlPost(req, res);
    else app(req, res);
  });
  const limits = requestLimits();
  const persisted = persistedOperations(kv);
  const server = new ApolloServer<GatewayContext>({
    gateway,
    formatError: maskError,
    introspection: setting('INTROSPECTION'),
    includeStacktraceInErrorResponses: false,
    // Credentials travel only in headers (Authorization, x-api-key), never in cookies, so a
    // cross-site request cannot carry them; that is what CSRF prevention guards against, and it
    // would also refuse the contract's plain `GET /graphql?query=...`.
    csrfPrevention: false,
    // Signals belong to the process (lifecycle.ts), which stops everything in order.
    stopOnTerminationSignals: false,
    persistedQueries: persisted.persistedQueries,
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    // On stop: stop accepting, let in-flight requests finish within SHUTDOWN_TIMEOUT_MS.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: shutdownTimeoutMs() }), operationRecorderPlugin, limits.plugin, inputGuardPlugin, operationSpanPlugin,
      budgetsPlugin(kv), legacyJsonStatusPlugin,
    ],
  });
  await server.start();
  // After the gateway loaded the supergraph (a load clears the plan cache), before it listens.
  const supergraph = Supergraph.build(options.supergraphSdl);
  const warmed = planCache.warm(supergraph, manifestOperations());
  log.info({ ...warmed, cached: planCache.size, capacity: planCache.capacity, executor }, 'query plans of the persisted manifest warmed');

  handlers.graphqlPost = graphqlPostHandler({ server, access, persisted, maxBodyBytes: requestLimitsFromSettings().maxBodyBytes, trustProxy: app.get('trust proxy fn') as (address: string, hop: number) => boolean });
  app.use(requestIdMiddleware);
  app.use(operationalRoutes({
    checks: [
      { name: 'supergraph', check: async () => { if (!supergraphLoaded) throw new Error('the supergraph is not loaded'); } },
      ...kvReadiness(kv), ...busReadiness(options.bus),
    ],
    log,
  }));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // RFC 6749 §4.4 client credentials, answered by the identity subgraph.
  const identityUrl = options.subgraphUrls?.identity ?? supergraphUrlOf(options.supergraphSdl, 'identity');
  if (identityUrl) app.use(oauthTokenRouter({ identityUrl, internalContextSecret: options.internalContextSecret }));
  app.use(playgroundRouter({ endpoint: '/graphql' }));
  app.use(
    '/graphql',
    observeGraphQLRequests({ server: 'gateway', log: rootLogger.child({ component: 'access' }), level: 'info' }),
    bodyLimit(),
    resumeRequestContext,
    persisted.requireManifest,
    operationSpan,
    expressMiddleware(server, {
      context: async ({ req }) => ({ caller: await authenticate(req, access) }),
    }),
  );

  let hub: SubscriptionHub | undefined;
  let subscriptions: { close(): Promise<void> } | undefined;
  if (options.bus) {
    // Payloads are resolved by running a query through this same gateway, as the subscriber.
    const execute = async (query: string, variables: Record<string, unknown>, caller: CallerIdentity): Promise<ExecutionResult> => {
      const response = await server.executeOperation({ query, variables }, { contextValue: { caller } });
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      return response.body.singleResult as ExecutionResult;
    };
    hub = new SubscriptionHub(options.bus, execute, log.child({ component: 'subscriptions' }), ALL_TOPICS);
    await hub.start();
    subscriptions = attachSubscriptionServer({
      httpServer,
      path: '/graphql',
      schema: supergraph.apiSchema().toGraphQLJSSchema(),
      routes: subscriptionRoutes(options.supergraphSdl),
      hub,
      authenticate: (credentials) => access.authenticate(credentials),
      log,
    });
  }

  useJsonErrors(app);

  await listenHttp(httpServer, options.port, options.host ?? '127.0.0.1', 'GATEWAY_PORT');
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}/graphql`;
  log.info({ url, subscriptions: Boolean(hub) }, 'gateway listening');
  return {
    url,
    warmedPlans: warmed,
    hub,
    // WebSockets get 1001 (going away: clients reconnect, to another instance, and resume with
    // `after:`) while HTTP drains; then the hub leaves its consumer group.
    stop: async () => {
      await Promise.all([subscriptions?.close().then(() => hub?.stop()), server.stop()]);
      await subgraphFetcher.close();
      if (!options.kv) await kv.close();
    },
  };
}

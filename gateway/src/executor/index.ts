// GATEWAY_EXECUTOR=compiled (the default; `apollo` switches it off): the gateway's operations executed by a plan runner and result shaper of
// our own (plan.ts, shape.ts) instead of @apollo/gateway's executor, behind the same seams: Apollo
// Server still parses, validates, runs every plugin (limits, input guard, budgets, persisted
// queries, spans) and masks errors; the fetches go through the same data sources (caller header,
// request id, metrics, dedup, error mapping). What it saves per request is what Apollo's executor
// redoes every time although it depends only on the document: the operation context, the
// federation Operation rebuilt from the AST (executeQueryPlan), the plan-cache key's hash, and
// computeResponse's walk through federation-internals' types. Here that is compiled once per
// document and operation name (keyed by Apollo Server's query hash) and kept beside the plan.
//
// A document not planned yet is planned here, as ApolloGateway plans it (same planner, same options,
// into the same cache), so its first request runs compiled too. Anything it does not run exactly as
// Apollo does goes to Apollo's executor, per request: a document it cannot plan, subscriptions,
// introspection (__schema, __type), Defer and Subscription plan nodes, fetches with data rewrites
// (@interfaceObject, @context), Studio trace capture.
import type { GraphQLDataSource } from '@apollo/gateway';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import type { GatewayExecutionResult, GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { gatewayExecutions, rootLogger, setting } from '@bacbos/common';
import { SpanStatusCode } from '@opentelemetry/api';
import { GraphQLError, Kind, getVariableValues, type FragmentDefinitionNode, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import type { PlanCache } from '../plan-cache';
import { executePlan, tracer, unsupportedPlanNode } from './plan';
import { compileShape, type Shaper } from './shape';

export type GatewayExecutorKind = 'apollo' | 'compiled';

/** Which executor runs the gateway's operations (GATEWAY_EXECUTOR). */
export const gatewayExecutorKind = (): GatewayExecutorKind => setting('GATEWAY_EXECUTOR');

type Compiled = { apiSchema: GraphQLSchema; plan: QueryPlan; shaper: Shaper } | { apiSchema: GraphQLSchema; unsupported: string };

export interface CompiledExecutorOptions {
  /** The plans ApolloGateway caches (queryPlannerConfig.cache), read under the keys it writes. */
  planCache: PlanCache;
  /** The gateway's data source per subgraph name, as its buildService made them. */
  dataSources: ReadonlyMap<string, GraphQLDataSource>;
}

const log = rootLogger.child({ component: 'gateway' });

/** ApolloGateway's plan-cache key for a request (its executor's queryPlanStoreKey). */
const planKey = (requestContext: GatewayGraphQLRequestContext): string => {
  const { operationName } = requestContext.request;
  return operationName ? createHash('sha256').update(requestContext.queryHash).update(operationName).digest('hex') : requestContext.queryHash;
};

/**
 * Wraps ApolloGateway (given to ApolloServer as `gateway`) so that its executor is the compiled one,
 * with Apollo's own executor as the fallback for what the compiled one does not run.
 */
export function withCompiledExecutor(apollo: GatewayInterface, options: CompiledExecutorOptions): GatewayInterface & { compiledOperations(): number } {
  const compiled = new LRUCache<string, Compiled>({ max: options.planCache.capacity });
  let supergraph: Supergraph | undefined;
  let supergraphSchema: GraphQLSchema | undefined;
  let planner: QueryPlanner | undefined;
  apollo.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    // The plans were made for the previous supergraph: plan and compile again over the new one.
    compiled.clear();
    supergraph = Supergraph.build(coreSupergraphSdl);
    supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    planner = undefined;
  });

  /** When this request planned its document: its gateway.plan span, recorded once gateway.request is open. */
  const plannedAt = new WeakMap<GatewayGraphQLRequestContext, { start: number; end: number }>();

  /** ApolloGateway's planning of a request (its executor, on a plan-cache miss), into the same cache. */
  async function planFor(requestContext: GatewayGraphQLRequestContext, key: string): Promise<QueryPlan | undefined> {
    if (!supergraph) return undefined;
    let built: QueryPlan;
    try {
      const start = Date.now();
      const operation = operationFromDocument(supergraph.apiSchema(), requestContext.document, { operationName: requestContext.request.operationName });
      planner ??= new QueryPlanner(supergraph);
      built = planner.buildQueryPlan(operation);
      plannedAt.set(requestContext, { start, end: Date.now() });
    } catch {
      return undefined; // Apollo's executor meets the same error and answers it as it does
    }
    await options.planCache.set(key, built);
    return built;
  }

  async function compile(requestContext: GatewayGraphQLRequestContext, key: string): Promise<Compiled | undefined> {
    const storeKey = planKey(requestContext);
    const plan = (await options.planCache.get(storeKey)) ?? (await planFor(requestContext, storeKey));
    if (!plan) return undefined;
    const apiSchema = requestContext.schema;
    const fragments = requestContext.document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
    const why = unsupportedPlanNode(plan.node);
    const shaped = why ? { unsupported: why, detail: why } : compileShape(apiSchema, requestContext.operation, fragments);
    const entry: Compiled = 'unsupported' in shaped ? { apiSchema, unsupported: shaped.unsupported } : { apiSchema, plan, shaper: shaped };
    if ('unsupported' in shaped) log.debug({ operationName: requestContext.operationName, reason: shaped.detail }, "operation left to Apollo's executor");
    compiled.set(key, entry);
    return entry;
  }

  async function run(requestContext: GatewayGraphQLRequestContext, plan: QueryPlan, shaper: Shaper): Promise<GatewayExecutionResult> {
    const { request, operation } = requestContext;
    if (operation.variableDefinitions?.length) {
      const definitions = operation.variableDefinitions;
      const errors = tracer.startActiveSpan('gateway.validate', (span) => {
        try {
          return getVariableValues(requestContext.schema, definitions, request.variables ?? {}).errors;
        } finally {
          span.end();
        }
      });
      if (errors) return { errors };
    }
    const variables = shaper.withDefaults(request.variables);
    const errors: GraphQLError[] = [];
    return tracer.startActiveSpan('gateway.execute', async (span) => {
      try {
        const unfiltered = await executePlan(plan, { requestContext, dataSources: options.dataSources, supergraphSchema: supergraphSchema as GraphQLSchema, variables, errors });
        let shaped: ReturnType<Shaper['shape']>;
        try {
          shaped = tracer.startActiveSpan('gateway.postprocessing', (postprocessing) => {
            try {
              return shaper.shape(unfiltered, variables);
            } finally {
              postprocessing.end();
            }
          });
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR });
          return { errors: [error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error })] };
        }
        // As executeQueryPlan: shaping errors only when the fetches had none, and then as extensions.
        if (errors.length === 0 && shaped.errors.length > 0) return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
        if (errors.length) span.setStatus({ code: SpanStatusCode.ERROR });
        return errors.length === 0 ? { data: shaped.data } : { errors, data: shaped.data };
      } finally {
        span.end();
      }
    });
  }

  return {
    onSchemaLoadOrUpdate: (callback) => apollo.onSchemaLoadOrUpdate(callback),
    stop: () => apollo.stop(),
    compiledOperations: () => [...compiled.values()].filter((entry) => !('unsupported' in entry)).length,
    async load(loadOptions) {
      const { executor: fallback } = await apollo.load(loadOptions);
      if (!fallback) return { executor: null };
      const toApollo = (requestContext: GatewayGraphQLRequestContext, reason: string) => {
        gatewayExecutions.inc({ executor: 'apollo', reason });
        return fallback(requestContext);
      };
      const executor: GatewayExecutor = async (requestContext) => {
        if (requestContext.operation.operation === 'subscription') return toApollo(requestContext, 'subscription');
        if (requestContext.metrics.captureTraces || !supergraphSchema) return toApollo(requestContext, 'trace capture');
        const key = `${requestContext.queryHash}\n${requestContext.request.operationName ?? ''}`;
        let entry = compiled.get(key);
        const started = Date.now();
        if (!entry || entry.apiSchema !== requestContext.schema) entry = await compile(requestContext, key);
        if (!entry) return toApollo(requestContext, 'not planned');
        if ('unsupported' in entry) return toApollo(requestContext, entry.unsupported);
        gatewayExecutions.inc({ executor: 'compiled', reason: '' });
        const { plan, shaper } = entry;
        // The attributes ApolloGateway's gateway.request span carries (utilities/opentelemetry.ts).
        const { operationName } = requestContext;
        const attributes = { 'graphql.operation.type': requestContext.operation.operation, ...(operationName ? { operationName, 'graphql.operation.name': operationName } : {}) };
        return tracer.startActiveSpan('gateway.request', { attributes, startTime: started }, async (span) => {
          try {
            // Planned before this span opened (a document that cannot run compiled goes to Apollo's own spans).
            const planned = plannedAt.get(requestContext);
            if (planned) tracer.startSpan('gateway.plan', { startTime: planned.start, attributes: operationName ? { 'graphql.operation.name': operationName } : {} }).end(planned.end);
            return await run(requestContext, plan, shaper);
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw error;
          } finally {
            span.end();
          }
        });
      };
      return { executor };
    },
  };
}

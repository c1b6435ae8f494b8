// The compiled executor's plan runner: executes a query plan's fetches as @apollo/gateway's
// executeQueryPlan does (executeQueryPlan.ts: Sequence, Parallel, Flatten, Fetch, Condition; entity
// representations from `requires`, merging, error paths mapped into the client's answer), through
// the same data sources (so the caller header, metrics, dedup and error mapping are the gateway's
// own). What it does not run the same way (Defer, Subscription, data rewrites of @interfaceObject
// and @context fetches) makes `supportsPlan` false, and the request keeps Apollo's executor.
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ERRORS, errorCodeDef } from '@apollo/federation-internals';
import type { FetchNode, PlanNode, QueryPlan, QueryPlanSelectionNode } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { trace, SpanStatusCode } from '@opentelemetry/api';
import { GraphQLError, isAbstractType, isInterfaceType, isObjectType, type GraphQLErrorOptions, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';

type Row = Record<string, unknown>;
type ResponsePath = (string | number)[];

export const tracer = trace.getTracer('@bacbos/gateway/executor');

/** A subgraph call's body. */
export interface DirectRequest {
  query: string;
  variables: Row;
  operationName: string | undefined;
}

/** A data source that sends a client operation's fetch without RemoteGraphQLDataSource's per-call objects (app.ts). */
export interface DirectDataSource {
  sendDirect(body: DirectRequest, options: GraphQLDataSourceProcessOptions): ReturnType<GraphQLDataSource['process']>;
}

const isDirect = (service: GraphQLDataSource): service is GraphQLDataSource & DirectDataSource => typeof (service as Partial<DirectDataSource>).sendDirect === 'function';

/** Why a plan cannot run here, or undefined when every node can. */
export function unsupportedPlanNode(node: QueryPlan['node']): string | undefined {
  if (!node) return undefined;
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) {
        const why = unsupportedPlanNode(child);
        if (why) return why;
      }
      return undefined;
    case 'Flatten':
      return unsupportedPlanNode(node.node);
    case 'Condition':
      return unsupportedPlanNode(node.ifClause) ?? unsupportedPlanNode(node.elseClause);
    case 'Fetch':
      if (node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length) return 'data rewrites';
      return undefined;
    default:
      return `${node.kind} node`;
  }
}

export interface PlanContext {
  requestContext: GatewayGraphQLRequestContext;
  dataSources: ReadonlyMap<string, GraphQLDataSource>;
  supergraphSchema: GraphQLSchema;
  /** The request's variables with the operation's defaults (Condition nodes). */
  variables: Record<string, unknown>;
  errors: GraphQLError[];
}

interface Cursor {
  path: ResponsePath;
  data: Row | Row[];
  fullResult: Row;
}

export async function executePlan(plan: QueryPlan, context: PlanContext): Promise<Row> {
  const data = Object.create(null) as Row;
  if (plan.node?.kind === 'Subscription') throw new Error('Subscription nodes are not run by the compiled executor');
  if (plan.node) await executeNode(context, plan.node, { path: [], data, fullResult: data });
  return data;
}

async function executeNode(context: PlanContext, node: PlanNode, cursor: Cursor | undefined): Promise<void> {
  if (!cursor) return;
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executeNode(context, child, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executeNode(context, child, cursor)));
      return;
    case 'Flatten':
      return executeNode(context, node.node, moveIntoCursor(cursor, node.path as ResponsePath));
    case 'Fetch':
      try {
        await tracer.startActiveSpan('gateway.fetch', { attributes: { service: node.serviceName } }, async (span) => {
          try {
            await executeFetch(context, node, cursor);
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw error;
          } finally {
            span.end();
          }
        });
      } catch (error) {
        context.errors.push(error as GraphQLError);
      }
      return;
    case 'Condition': {
      const value = context.variables[node.condition];
      if (typeof value !== 'boolean') throw new Error(`Invalid non-boolean value ${String(value)} for Boolean! variable $${node.condition}`);
      const branch = value ? node.ifClause : node.elseClause;
      if (branch) await executeNode(context, branch, cursor);
      return;
    }
    default:
      throw new Error(`${node.kind} nodes are not run by the compiled executor`);
  }
}

const isObject = (value: unknown): value is Row => typeof value === 'object' && value !== null && !Array.isArray(value);

/** deepMerge of @apollo/gateway (utilities/deepMerge.ts). */
function deepMerge(target: Row, source: unknown): void {
  if (source === undefined || source === null) return;
  const from = source as Row;
  for (const key of Object.keys(from)) {
    const value = from[key];
    if (value === undefined) continue;
    if (!Object.hasOwn(target, key) && key in target) Object.defineProperty(target, key, { configurable: true, enumerable: true, value: undefined, writable: true });
    const current = target[key];
    if (current && isObject(value)) deepMerge(current as Row, value);
    else if (Array.isArray(value) && Array.isArray(current) && value.length === current.length) {
      for (let i = 0; i < value.length; i += 1) {
        if (isObject(current[i]) && isObject(value[i])) deepMerge(current[i] as Row, value[i]);
        else current[i] = value[i];
      }
    } else target[key] = value;
  }
}

function flattenResultsAtPath(value: unknown, path: ResponsePath): unknown {
  if (path.length === 0 || value === undefined || value === null) return value;
  const [current, ...rest] = path;
  if (current === '@') return (value as unknown[]).flatMap((element) => flattenResultsAtPath(element, rest));
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${String(current)}`);
  const row = value as Row;
  return flattenResultsAtPath(Object.hasOwn(row, current as string) ? row[current as string] : undefined, rest);
}

function moveIntoCursor(cursor: Cursor, path: ResponsePath): Cursor | undefined {
  const data = flattenResultsAtPath(cursor.data, path) as Row | Row[] | null | undefined;
  return data ? { path: cursor.path.concat(path), data, fullResult: cursor.fullResult } : undefined;
}

/** isObjectOfType of @apollo/gateway (dataRewrites.ts), over the supergraph schema. */
function isObjectOfType(schema: GraphQLSchema, obj: Row, typeCondition: string): boolean {
  const typename = obj.__typename;
  if (!typename) return false;
  if (typeCondition === typename) return true;
  const type = schema.getType(typename as string);
  const condition = schema.getType(typeCondition);
  if (!type || !condition) return false;
  return isAbstractType(condition) && (isObjectType(type) || isInterfaceType(type)) && schema.isSubType(condition, type);
}

/** executeSelectionSet of executeQueryPlan.ts: an entity's representation from its `requires`. */
function representationOf(schema: GraphQLSchema, source: Row | null, selections: readonly QueryPlanSelectionNode[]): Row | null {
  if (source === null) return null;
  const result = Object.create(null) as Row;
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const name = selection.alias ?? selection.name;
      if (!Object.hasOwn(source, name) || source[name] === undefined) return null;
      const value = source[name];
      const inner = selection.selections;
      if (Array.isArray(value)) result[name] = value.map((item: unknown) => (inner ? representationOf(schema, item as Row | null, inner) : item));
      else result[name] = inner ? representationOf(schema, value as Row | null, inner) : value;
    } else if (selection.typeCondition && isObjectOfType(schema, source, selection.typeCondition)) {
      deepMerge(result, representationOf(schema, source, selection.selections));
    }
  }
  return result;
}

async function executeFetch(context: PlanContext, fetch: FetchNode, cursor: Cursor): Promise<void> {
  const service = context.dataSources.get(fetch.serviceName);
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities = Array.isArray(cursor.data) ? cursor.data.filter((e) => e !== null && e !== undefined) : [cursor.data];
  if (entities.length < 1) return;

  const provided = context.requestContext.request.variables;
  const variables = Object.create(null) as Row;
  for (const name of fetch.variableUsages ?? []) {
    if (provided && Object.hasOwn(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
  }

  if (!fetch.requires) {
    const received = await send(context, service, fetch, cursor, variables);
    for (const entity of entities) deepMerge(entity, received);
    return;
  }
  const representations: Row[] = [];
  const representationToEntity: number[] = [];
  entities.forEach((entity, index) => {
    const representation = representationOf(context.supergraphSchema, entity, fetch.requires as QueryPlanSelectionNode[]);
    if (representation && representation.__typename) {
      representations.push(representation);
      representationToEntity.push(index);
    }
  });
  if (representations.length < 1) return;
  if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');
  const received = await send(context, service, fetch, cursor, { ...variables, representations });
  if (!received) return;
  const receivedEntities = received._entities;
  if (!Array.isArray(receivedEntities)) throw new Error('Expected "data._entities" in response to be an array');
  if (receivedEntities.length !== representations.length) throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  // As executeQueryPlan.ts does (its loop runs over `entities`, reading past the received ones as undefined).
  for (let i = 0; i < entities.length; i += 1) {
    const receivedEntity = receivedEntities[i] as Row | null | undefined;
    const existing = entities[representationToEntity[i]];
    if (receivedEntity && !receivedEntity.__typename) receivedEntity.__typename = existing.__typename;
    if (existing) deepMerge(existing, receivedEntity);
  }
}

async function send(context: PlanContext, service: GraphQLDataSource, fetch: FetchNode, cursor: Cursor, variables: Row): Promise<Row | null | undefined> {
  const { requestContext } = context;
  const request = { query: fetch.operation, variables, operationName: fetch.operationName };
  const options: GraphQLDataSourceProcessOptions = {
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION (the enum is not exported by @apollo/gateway)
    kind: 'incoming operation' as Extract<GraphQLDataSourceProcessOptions, { incomingRequestContext: unknown }>['kind'],
    request,
    incomingRequestContext: requestContext,
    context: requestContext.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: cursor.path,
  };
  const response = isDirect(service) ? await service.sendDirect(request, options) : await service.process(options);
  if (response.errors) {
    const pathOf = errorPathGenerator(fetch, cursor);
    context.errors.push(...response.errors.map((error) => downstreamServiceError(error, fetch.serviceName, pathOf)));
    const paths = response.errors.map((error) => ({ subgraph: fetch.serviceName, path: error.path }));
    const metrics = requestContext.metrics;
    if (metrics.nonFtv1ErrorPaths) metrics.nonFtv1ErrorPaths.push(...paths);
    else metrics.nonFtv1ErrorPaths = paths;
  }
  return response.data as Row | null | undefined;
}

/** makeLazyErrorPathGenerator of executeQueryPlan.ts: an entity error's path in the client's answer. */
function errorPathGenerator(fetch: FetchNode, cursor: Cursor): (path: GraphQLErrorOptions['path']) => GraphQLErrorOptions['path'] {
  let hydrated: ResponsePath[] | undefined;
  return (errorPath) => {
    if (fetch.requires && typeof errorPath?.[1] === 'number') {
      if (!hydrated) {
        hydrated = [];
        generateHydratedPaths([], cursor.path, cursor.fullResult, hydrated);
      }
      return [...(hydrated[errorPath[1]] ?? []), ...errorPath.slice(2)];
    }
    return errorPath ? [...cursor.path, ...errorPath] : undefined;
  };
}

function generateHydratedPaths(parent: ResponsePath, path: ResponsePath, data: unknown, result: ResponsePath[]): void {
  if (data === null || data === undefined) return;
  const head = path[0];
  if (head === undefined) result.push(parent.slice());
  else if (head === '@') {
    (data as unknown[]).forEach((value, i) => {
      parent.push(i);
      generateHydratedPaths(parent, path.slice(1), value, result);
      parent.pop();
    });
  } else if (Array.isArray(data)) {
    data.forEach((value, i) => {
      parent.push(i);
      generateHydratedPaths(parent, path, value, result);
      parent.pop();
    });
  } else if (Object.hasOwn(data as Row, head as string)) {
    parent.push(head);
    generateHydratedPaths(parent, path.slice(1), (data as Row)[head as string], result);
    parent.pop();
  }
}

/** downstreamServiceError of executeQueryPlan.ts. */
function downstreamServiceError(original: GraphQLFormattedError, serviceName: string, pathOf: (path: GraphQLErrorOptions['path']) => GraphQLErrorOptions['path']): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const options: GraphQLErrorOptions = {
    originalError: original as Error,
    path: pathOf(original.path),
    extensions: { ...original.extensions, serviceName },
  };
  const codeDef = errorCodeDef(original);
  if (!codeDef && original.extensions?.code) return new GraphQLError(message, options);
  return (codeDef ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}

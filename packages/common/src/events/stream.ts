// Live event streams, declared once by the subgraph that owns their events (EVENTS.md,
// "Consuming"). One `defineEventStream({...})` gives the subgraph:
// - its Subscription field, marked `@eventStream(...)`: composed into the supergraph (with
//   `@composeDirective`), it is the gateway's route (which events feed the field, which queries
//   resolve them), so the gateway names no subgraph's event types or payload shapes;
// - the two queries the gateway resolves payloads and replays through, `<query>(eventId)` and
//   `<query>sAfter(eventId, first)`, with their resolvers: tenant, permission and per-caller
//   visibility checked here, in the owning subgraph, as the subscriber;
// - the Subscription field's resolver (subscriptions run at the gateway, never here).
import type { GraphQLSchemaModule } from '@apollo/subgraph/dist/schema-helper';
import DataLoader from 'dataloader';
import { parse } from 'graphql';
import { authorize, type CallerIdentity } from '../identity';
import type { Permission } from '../manifest';
import { isUuid } from '../validation';
import { eventsAfter, MAX_EVENTS_PER_PAGE } from './history';

/**
 * The directive's link, definition and composition, part of every subgraph's base module: the
 * supergraph keeps each `@eventStream` application, which is all the gateway reads.
 */
export const EVENT_STREAM_SDL = /* GraphQL */ `
  extend schema
    @link(url: "https://specs.bacbos.dev/streams/v1.0", import: ["@eventStream"])
    @composeDirective(name: "@eventStream")

  """
  A live stream of the owning subgraph's events, served by the gateway from the subgraph's event
  topic (EVENTS.md). Written by defineEventStream; the gateway routes events by it.
  """
  directive @eventStream(
    "Event types (<subgraph>.<aggregate>.<verb>) the stream carries."
    types: [String!]!
    "The aggregate type of its events, when they all share one."
    aggregateType: String
    "The argument holding the aggregate id the subscription follows (absent: every event of the tenant)."
    key: String
    "An argument listing event types that narrow the stream further."
    typesArgument: String
    "The query resolving one event: (eventId: ID!)."
    eventQuery: String!
    "The query listing the events after one: (eventId: ID!, first: Int)."
    replayQuery: String!
    "Visibility depends on the individual caller: payloads are resolved once per caller, never shared."
    perCaller: Boolean! = false
  ) on FIELD_DEFINITION
`;

/** The outbox columns every subgraph's `OutboxEvent` has (packages/common/src/outbox.ts writes them). */
export interface OutboxEventRow {
  id: string;
  seq: bigint;
  type: string;
  aggregateType: string;
  aggregateId: string;
  occurredAt: Date;
  actorId: string | null;
  payload: unknown;
}

/** The filter a stream reads its outbox with (a subset of every subgraph's Prisma where input). */
export interface OutboxFilter {
  tenantId: string;
  type: { in: string[] };
  aggregateType?: string;
  id?: string | { in: string[] };
  aggregateId?: string;
  seq?: { gt: bigint };
}

/** A subgraph's `db.outboxEvent` (its Prisma delegate), as far as streams read it. */
export interface OutboxTable<Row extends OutboxEventRow, Include extends object = never> {
  findFirst(args: { where: OutboxFilter; include?: Include }): PromiseLike<Row | null>;
  findMany(args: { where: OutboxFilter; orderBy: { seq: 'asc' }; take: number; include?: Include }): PromiseLike<Row[]>;
}

export interface EventStreamDefinition<Context extends { caller: CallerIdentity }, Row extends OutboxEventRow, View, Include extends object = never> {
  /** The Subscription field, e.g. `documentActivity`. */
  field: string;
  /** Its description in the schema. */
  description: string;
  /** The GraphQL type of one event, declared in the module's SDL (e.g. `DocumentActivityEvent`). */
  eventType: string;
  /** Names the event queries: `<query>(eventId)` and `<query>sAfter(eventId, first)`. */
  query: string;
  /** Event types the stream carries. */
  types: readonly string[];
  /** The aggregate type of its events, when they all share one (`Document`). */
  aggregateType?: string;
  /**
   * The argument (type `ID!`) holding the aggregate id the subscription follows, e.g. `documentId`:
   * the stream carries that aggregate's events only, and a replay continues within it.
   */
  key?: string;
  /** An argument (type `[String!]`) listing event types that narrow the stream, e.g. `types`. */
  typesArgument?: string;
  /** The permission to read the stream (checked with the tenant for every payload), one the manifest declares. */
  permission: Permission;
  /** The subgraph's outbox table, e.g. `(ctx) => ctx.db.outboxEvent`. */
  outbox(ctx: Context): OutboxTable<Row, Include>;
  /** Relations of the outbox row the view reads (Prisma's `include`). */
  include?: Include;
  /** The event as its GraphQL type's resolvers take it. */
  view(row: Row): View;
  /**
   * Per-caller visibility: may this caller see the events of this aggregate (e.g. read the
   * document)? Needs `key`. When given, the gateway resolves payloads once per caller.
   */
  visible?(ctx: Context, aggregateId: string): Promise<boolean>;
}

export interface EventStream<Context extends { caller: CallerIdentity }, View> {
  field: string;
  /** The SDL and resolvers to register among the subgraph's modules. */
  module: GraphQLSchemaModule;
  /** One event by id, or null when unknown or not visible to the caller. */
  get(ctx: Context, eventId: string): Promise<View | null>;
  /** The events after `eventId` (of its aggregate, for a keyed stream), oldest first. */
  after(ctx: Context, eventId: string, first: number | null | undefined): Promise<View[]>;
}

/** Subgraphs only resolve payloads; the gateway runs subscriptions (graphql-ws over the event bus). */
function servedByGateway(): never {
  throw new Error('Subscriptions are served by the gateway over graphql-ws');
}

const graphqlString = (value: string) => JSON.stringify(value);

export function defineEventStream<Context extends { caller: CallerIdentity }, Row extends OutboxEventRow, View, Include extends object = never>(
  definition: EventStreamDefinition<Context, Row, View, Include>,
): EventStream<Context, View> {
  const { field, query, key, typesArgument, permission } = definition;
  // Visibility is decided per aggregate: a page of a tenant-wide stream filtered per event would
  // come back short, which ends a replay early.
  if (definition.visible && !key) throw new Error(`event stream ${field}: per-caller visibility needs a key`);
  const replayQuery = `${query}sAfter`;
  const types = [...definition.types];
  const filter = (ctx: Context): OutboxFilter => ({
    tenantId: authorize(ctx.caller, permission),
    type: { in: types },
    ...(definition.aggregateType ? { aggregateType: definition.aggregateType } : {}),
  });
  const visible = async (ctx: Context, row: Row) => !definition.visible || (await definition.visible(ctx, row.aggregateId));

  // Per request (its context): the events its fields ask for, read in one statement. The gateway
  // resolves a backlog of one group's events with one aliased query (up to 16 events); one
  // findFirst each took a pool connection each, and under load each waited in the pool's queue.
  const loaders = new WeakMap<Context, DataLoader<string, Row | null>>();
  const rowById = (ctx: Context, eventId: string): Promise<Row | null> => {
    let loader = loaders.get(ctx);
    if (!loader) {
      const where = filter(ctx);
      loader = new DataLoader(async (ids: readonly string[]) => {
        const rows = await definition.outbox(ctx).findMany({ where: { ...where, id: { in: [...ids] } }, orderBy: { seq: 'asc' }, take: ids.length, include: definition.include });
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      }, { maxBatchSize: MAX_EVENTS_PER_PAGE });
      loaders.set(ctx, loader);
    }
    return loader.load(eventId);
  };

  const get = async (ctx: Context, eventId: string): Promise<View | null> => {
    filter(ctx); // the permission is checked first, whatever the id
    if (!isUuid(eventId)) return null;
    const row = await rowById(ctx, eventId);
    return row && (await visible(ctx, row)) ? definition.view(row) : null;
  };

  const after = async (ctx: Context, eventId: string, first: number | null | undefined): Promise<View[]> => {
    const where = filter(ctx);
    const outbox = definition.outbox(ctx);
    let from: Row | null = null;
    return eventsAfter({
      eventId,
      first,
      seqOf: async (id) => {
        from = await outbox.findFirst({ where: { ...where, id }, include: definition.include });
        // An event of an aggregate the caller may not see is as unknown as another tenant's.
        return from && (await visible(ctx, from)) ? from.seq : null;
      },
      // A keyed stream replays its aggregate's events only (as visible as the first one is).
      listAfter: async (seq, take) =>
        (await outbox.findMany({ where: { ...where, ...(key && from ? { aggregateId: from.aggregateId } : {}), seq: { gt: seq } }, orderBy: { seq: 'asc' }, take, include: definition.include }))
          .map(definition.view),
    });
  };

  const routeArguments = [
    `types: ${JSON.stringify(types)}`,
    definition.aggregateType ? `aggregateType: ${graphqlString(definition.aggregateType)}` : '',
    key ? `key: ${graphqlString(key)}` : '',
    typesArgument ? `typesArgument: ${graphqlString(typesArgument)}` : '',
    `eventQuery: ${graphqlString(query)}`,
    `replayQuery: ${graphqlString(replayQuery)}`,
    definition.visible ? 'perCaller: true' : '',
  ].filter(Boolean);
  const fieldArguments = [key ? `${key}: ID!` : '', 'after: ID', typesArgument ? `${typesArgument}: [String!]` : ''].filter(Boolean);
  const ofOneAggregate = key ? `, of the same ${definition.aggregateType?.toLowerCase() ?? 'aggregate'}` : '';
  const typeDefs = parse(/* GraphQL */ `
    extend type Query {
      ${graphqlString(`One event of the ${field} subscription, by id (${permission}; null when unknown or not visible to the caller).`)}
      ${query}(eventId: ID!): ${definition.eventType}
      ${graphqlString(`Events of the ${field} subscription committed after the given one${ofOneAggregate}, oldest first (at most ${MAX_EVENTS_PER_PAGE}; ${permission}): what a subscription resumed with after: missed.`)}
      ${replayQuery}(eventId: ID!, first: Int = 100): [${definition.eventType}!]!
    }

    extend type Subscription {
      ${graphqlString(definition.description)}
      ${field}(${fieldArguments.join(', ')}): ${definition.eventType}! @eventStream(${routeArguments.join(', ')})
    }
  `);

  return {
    field,
    get,
    after,
    module: {
      typeDefs,
      resolvers: {
        Query: {
          [query]: (_: unknown, args: { eventId: string }, ctx: Context) => get(ctx, args.eventId),
          [replayQuery]: (_: unknown, args: { eventId: string; first?: number | null }, ctx: Context) => after(ctx, args.eventId, args.first),
        },
        Subscription: { [field]: { subscribe: servedByGateway } },
      } as GraphQLSchemaModule['resolvers'],
    },
  };
}

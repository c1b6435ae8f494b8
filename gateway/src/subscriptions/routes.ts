// Which subscription field is fed by which events, read from the supergraph. The subgraph that owns
// a stream declares it once (defineEventStream in @bacbos/common) and its Subscription field
// carries `@eventStream(...)`, composed into the supergraph: the event types, the argument holding
// the followed aggregate's id, and the queries that resolve one event and replay the ones after it.
// The field's owner (join__field) names the topic. So a new stream reaches subscribers with no
// gateway edit, and nothing here names a subgraph's event types or payload shapes.
import { Kind, parse, valueFromASTUntyped, type ConstDirectiveNode, type DocumentNode, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode } from 'graphql';
import { topicFor, type EventEnvelope } from '@bacbos/common';

export interface SubscriptionRoute {
  /** Root field of the Subscription type. */
  field: string;
  /** The subgraph that owns the field and emits its events. */
  source: string;
  topic: string;
  /** Does this event belong to this subscription, given the subscriber's arguments? */
  matches(event: EventEnvelope, args: Record<string, unknown>): boolean;
  /** Query field resolving one event: `<eventQuery>(eventId: ID!)`. */
  eventQuery: string;
  /** Query field listing events after one: `<replayQuery>(eventId: ID!, first: Int)`. */
  replayQuery: string;
  /**
   * Visibility depends on the individual caller (e.g. a document's collaborators), not only on
   * tenant and permissions: payloads are then resolved once per event, selection and caller.
   */
  perCaller: boolean;
}

/** The @link identity of the directive (the URL without its version). */
const STREAMS_SPEC = 'https://specs.bacbos.dev/streams/';

/** The directive's arguments, as defineEventStream writes them. */
interface EventStreamArguments {
  types: string[];
  aggregateType?: string;
  key?: string;
  typesArgument?: string;
  eventQuery: string;
  replayQuery: string;
  perCaller?: boolean;
}

type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

const argumentsOf = (directive: ConstDirectiveNode): Record<string, unknown> =>
  Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));

/** The name the supergraph gives `@eventStream` (its @link may import it under another name). */
function directiveName(document: DocumentNode): string | undefined {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      const args = argumentsOf(link);
      if (link.name.value !== 'link' || typeof args.url !== 'string' || !args.url.startsWith(STREAMS_SPEC)) continue;
      for (const imported of (args.import as unknown[] | undefined) ?? []) {
        if (imported === '@eventStream') return 'eventStream';
        const named = imported as { name?: string; as?: string };
        if (named.name === '@eventStream') return (named.as ?? named.name).replace(/^@/, '');
      }
      return `${(args.as as string | undefined) ?? 'streams'}__eventStream`;
    }
  }
  return undefined;
}

function rootTypeName(document: DocumentNode, operation: 'query' | 'subscription'): string {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION) continue;
    const named = definition.operationTypes.find((t) => t.operation === operation);
    if (named) return named.type.name.value;
  }
  return operation === 'query' ? 'Query' : 'Subscription';
}

/** Subgraph names by their join__Graph enum value (`OFFICE` → `office`). */
function subgraphNames(document: DocumentNode): Map<string, string> {
  const names = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((d) => d.name.value === 'join__graph');
      const name = graph && argumentsOf(graph).name;
      if (typeof name === 'string') names.set(value.name.value, name);
    }
  }
  return names;
}

const graphsOf = (directives: readonly ConstDirectiveNode[] | undefined, name: 'join__field' | 'join__type') =>
  (directives ?? []).filter((d) => d.name.value === name).map((d) => argumentsOf(d).graph).filter((g): g is string => typeof g === 'string');

function routeFromArguments(field: string, source: string, args: EventStreamArguments): SubscriptionRoute {
  const types = new Set(args.types);
  const { aggregateType, key, typesArgument } = args;
  return {
    field,
    source,
    topic: topicFor(source),
    eventQuery: args.eventQuery,
    replayQuery: args.replayQuery,
    perCaller: args.perCaller === true,
    matches: (event, subscriber) => {
      if (!types.has(event.type) || (aggregateType && event.aggregateType !== aggregateType)) return false;
      if (key && event.aggregateId !== subscriber[key]) return false;
      const narrowed = typesArgument ? subscriber[typesArgument] : undefined;
      return !Array.isArray(narrowed) || narrowed.includes(event.type);
    },
  };
}

/**
 * The routes of every Subscription field marked @eventStream in the supergraph. Fails (at gateway
 * start) on a route the supergraph cannot serve: no owner, or an event query it does not have.
 */
export function subscriptionRoutes(supergraphSdl: string): Map<string, SubscriptionRoute> {
  const document = parse(supergraphSdl);
  const routes = new Map<string, SubscriptionRoute>();
  const directive = directiveName(document);
  if (!directive) return routes;
  const subscription = rootTypeName(document, 'subscription');
  const query = rootTypeName(document, 'query');
  const objects = document.definitions.filter((d): d is ObjectNode => d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION);
  const queryFields = new Set(objects.filter((o) => o.name.value === query).flatMap((o) => (o.fields ?? []).map((f) => f.name.value)));
  const names = subgraphNames(document);

  for (const type of objects.filter((o) => o.name.value === subscription)) {
    const typeGraphs = graphsOf(type.directives, 'join__type');
    for (const field of type.fields ?? []) {
      const stream = field.directives?.find((d) => d.name.value === directive);
      if (!stream) continue;
      const fieldName = field.name.value;
      const graphs = graphsOf(field.directives, 'join__field');
      const owners = graphs.length ? graphs : typeGraphs;
      const source = owners.length === 1 ? names.get(owners[0]) : undefined;
      if (!source) throw new Error(`subscription ${fieldName}: its stream needs exactly one owning subgraph (found ${owners.join(', ') || 'none'})`);
      const args = argumentsOf(stream) as unknown as EventStreamArguments;
      for (const name of [args.eventQuery, args.replayQuery]) {
        if (!queryFields.has(name)) throw new Error(`subscription ${fieldName}: the supergraph has no query ${name}`);
      }
      routes.set(fieldName, routeFromArguments(fieldName, source, args));
    }
  }
  return routes;
}

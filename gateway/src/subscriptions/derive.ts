// Turns a client's subscription into the two queries that resolve its payload through the
// federated graph: one event by id, and the events after a given one (for resuming).
//   subscription { ev: contactEvents(after: $a) { type actor { email } } }
// becomes
//   query ($bacbosEventId: ID!) { bacbosEvent: contactEvent(eventId: $bacbosEventId) { type actor { email } } }
// so every field of the payload, whichever subgraph owns it, is planned and batched by the gateway.
import {
  Kind, getVariableValues, print, visit, valueFromAST,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';
import { MAX_EVENTS_PER_PAGE } from '@bacbos/common';
import type { SubscriptionRoute } from './routes';

export interface DerivedSubscription {
  route: SubscriptionRoute;
  /** Key of the payload in each result (the alias or the field name). */
  responseKey: string;
  /** Arguments of the root field, with variables applied. */
  args: Record<string, unknown>;
  eventQuery: string;
  /**
   * The event query for several events of one group at once (`bacbosEvent0`, `bacbosEvent1`, ... with
   * `$bacbosEventId0`, ...): events that waited for an execution slot share one federated execution.
   */
  eventBatchQuery(count: number): string;
  replayQuery: string;
  /** Variables the selection uses (the root field's own arguments are not passed on). */
  variables: Record<string, unknown>;
}

export class SubscriptionShapeError extends Error {}

function variablesUsedIn(nodes: (SelectionSetNode | FragmentDefinitionNode)[]): Set<string> {
  const used = new Set<string>();
  for (const node of nodes) visit(node, { Variable: (v) => void used.add(v.name.value) });
  return used;
}

export function deriveSubscription(
  schema: GraphQLSchema, routes: ReadonlyMap<string, SubscriptionRoute>, document: DocumentNode, operationName: string | null | undefined, variableValues: Record<string, unknown>,
): DerivedSubscription {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) throw new SubscriptionShapeError('Name the operation to run');
  if (operation.operation !== 'subscription') throw new SubscriptionShapeError('Only subscriptions run over this WebSocket; send queries and mutations over HTTP');
  const roots = operation.selectionSet.selections;
  if (roots.length !== 1 || roots[0].kind !== Kind.FIELD) throw new SubscriptionShapeError('A subscription selects exactly one root field');
  const root = roots[0] as FieldNode;
  const route = routes.get(root.name.value);
  if (!route) throw new SubscriptionShapeError(`Subscription ${root.name.value} is not served`);
  if (!root.selectionSet) throw new SubscriptionShapeError('Select fields of the event');

  // The root field's arguments from the coerced variables (`after: 5` is the ID "5"); the payload
  // queries get the client's own values, which the gateway coerces again when it runs them.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues, { maxErrors: 1 });
  if (coerced.errors) throw new SubscriptionShapeError(coerced.errors[0].message);
  const fieldDef = schema.getSubscriptionType()?.getFields()[root.name.value];
  const args: Record<string, unknown> = {};
  for (const arg of root.arguments ?? []) {
    const type = fieldDef?.args.find((a) => a.name === arg.name.value)?.type;
    if (type) args[arg.name.value] = valueFromAST(arg.value, type, coerced.coerced);
  }

  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const used = variablesUsedIn([root.selectionSet, ...fragments]);
  const keptDefinitions = (operation.variableDefinitions ?? []).filter((d) => used.has(d.variable.name.value));
  const variables = Object.fromEntries(keptDefinitions.map((d) => [d.variable.name.value, variableValues[d.variable.name.value]]));
  const selection = print(root.selectionSet);
  const fragmentText = fragments.map((f) => print(f)).join('\n');
  const defs = (extra: string) => [extra, ...keptDefinitions.map((d: VariableDefinitionNode) => print(d))].join(', ');

  return {
    route,
    responseKey: root.alias?.value ?? root.name.value,
    args,
    variables,
    eventQuery: `query BacbosSubscriptionEvent(${defs('$bacbosEventId: ID!')}) { bacbosEvent: ${route.eventQuery}(eventId: $bacbosEventId) ${selection} }\n${fragmentText}`,
    // The same operation name, so its subgraph fetches count under BacbosSubscriptionEvent too.
    eventBatchQuery: (count) => {
      const indexes = [...Array(count).keys()];
      return `query BacbosSubscriptionEvent(${defs(indexes.map((i) => `$bacbosEventId${i}: ID!`).join(', '))}) { ` +
        `${indexes.map((i) => `bacbosEvent${i}: ${route.eventQuery}(eventId: $bacbosEventId${i}) ${selection}`).join(' ')} }\n${fragmentText}`;
    },
    replayQuery:
      `query BacbosSubscriptionReplay(${defs('$bacbosAfter: ID!')}) { bacbosEvents: ${route.replayQuery}(eventId: $bacbosAfter, first: ${MAX_EVENTS_PER_PAGE}) ` +
      `${selection.replace(/^\{/, '{ bacbosEventId: eventId ')} }\n${fragmentText}`,
  };
}

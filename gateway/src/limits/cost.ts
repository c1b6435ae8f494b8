// The cost of one operation, measured by graphql-armor's cost rule over the operation with its
// list sizes made explicit: armor multiplies a field's cost by its `first`/`last` literal, so the
// variables' values (and, where the client gave none, the argument's default or the default page
// of 20) are written into the document first. Every field costs 1 (depth adds nothing): the cost
// is about the number of values a full answer can hold.
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@bacbos/common';
import {
  Kind, TypeInfo, valueFromAST, visit, visitWithTypeInfo, validate,
  type ArgumentNode, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';

const LIST_SIZE_ARGUMENTS = ['first', 'last'];

/** The document with every `first`/`last` a literal int, taken from the variables or the defaults. */
export function withListSizes(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const definition = typeInfo.getFieldDef();
        const sizeArgument = definition?.args.find((a) => LIST_SIZE_ARGUMENTS.includes(a.name));
        if (!definition || !sizeArgument) return undefined;
        const given = node.arguments?.find((a) => a.name.value === sizeArgument.name);
        // Variables are not coerced yet (execution refuses a bad one later): only a sane int counts.
        const value = given ? valueFromAST(given.value, sizeArgument.type, variables) : undefined;
        const sane = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
        // A page larger than MAX_PAGE_SIZE is refused by its subgraph (BAD_USER_INPUT naming `first`),
        // so it costs at most a full page here: the client learns what is wrong with its argument.
        const size = Math.min(MAX_PAGE_SIZE, sane(value) ? value : sane(sizeArgument.defaultValue) ? sizeArgument.defaultValue : DEFAULT_PAGE_SIZE);
        const literal: ArgumentNode = {
          kind: Kind.ARGUMENT,
          name: { kind: Kind.NAME, value: sizeArgument.name },
          value: { kind: Kind.INT, value: String(Math.max(1, Math.trunc(size))) },
        };
        // armor reads the first `first`/`last` argument it meets: put the resolved one first.
        return { ...node, arguments: [literal, ...(node.arguments ?? []).filter((a) => a !== given)] };
      },
    }),
  );
}

/** Cost of the operation named `operation` (the one that runs) with these variables. */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  // Only the operation that runs counts, with the fragments it may use.
  const single: DocumentNode = {
    ...document,
    definitions: document.definitions.filter((d) => d === operation || d.kind === Kind.FRAGMENT_DEFINITION),
  };
  let cost = 0;
  validate(schema, withListSizes(schema, single, variables), [
    costLimitRule({
      maxCost: Number.MAX_SAFE_INTEGER,
      objectCost: 1,
      scalarCost: 1,
      depthCostFactor: 1,
      ignoreIntrospection: true,
      propagateOnRejection: false,
      onAccept: [(_context, { n }) => { cost = n; }],
    }),
  ]);
  return cost;
}

/** Names of the variables the operation's `first`/`last` arguments read: the only ones its cost depends on. */
export function listSizeVariables(schema: GraphQLSchema, document: DocumentNode): string[] {
  const typeInfo = new TypeInfo(schema);
  const names = new Set<string>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const sizeArgument = typeInfo.getFieldDef()?.args.find((a) => LIST_SIZE_ARGUMENTS.includes(a.name));
        const given = sizeArgument && node.arguments?.find((a) => a.name.value === sizeArgument.name);
        if (given) visit(given.value, { Variable: (variable) => void names.add(variable.name.value) });
      },
    }),
  );
  return [...names].sort();
}

/** Costs kept per document an operation may be sent as: at most this many per document. */
const COSTS_PER_DOCUMENT = 64;

/**
 * operationCost, remembered: Apollo Server hands every request of the same text the same parsed
 * document, and the cost depends on that document, the operation and the values of its list-size
 * variables only. The same page of Contacts costs one map lookup instead of two visits and a
 * validation pass (3.5 % of the gateway's CPU per request).
 */
export class OperationCostCache {
  private readonly bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, { variables: string[]; costs: Map<string, number> }>>();

  cost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
    let documents = this.bySchema.get(schema);
    if (!documents) this.bySchema.set(schema, (documents = new WeakMap()));
    let entry = documents.get(document);
    if (!entry) documents.set(document, (entry = { variables: listSizeVariables(schema, document), costs: new Map() }));
    const key = JSON.stringify([operation.name?.value ?? document.definitions.indexOf(operation), ...entry.variables.map((name) => variables[name] ?? null)]);
    const known = entry.costs.get(key);
    if (known !== undefined) return known;
    const cost = operationCost(schema, document, operation, variables);
    if (entry.costs.size >= COSTS_PER_DOCUMENT) entry.costs.clear();
    entry.costs.set(key, cost);
    return cost;
  }
}

// Bad input is refused at the door with BAD_USER_INPUT on its field, before any subgraph sees it:
// text PostgreSQL cannot store (NUL, lone surrogates) anywhere in the variables or the document,
// values nested deeper than MAX_INPUT_DEPTH, and literals of the contract's scalars (Date,
// DateTime, Decimal, BigInt) that those scalars refuse. Variables of those scalars are checked by
// the subgraphs' own scalars (a 400 the gateway passes through); a literal is checked only here,
// since a subgraph's validation error would otherwise come back as an opaque failure.
//
// `field` follows the services' convention: the path inside an input object argument
// (`customFields.note`), or the argument's name for a scalar (`after`, `search`).
import type { ApolloServerPlugin } from '@apollo/server';
import { jsonProblem, MAX_INPUT_DEPTH, scalarResolvers, textProblem, type InputProblem } from '@bacbos/common';
import {
  GraphQLError, getNamedType, isInputObjectType, isListType, isNonNullType, Kind, TypeInfo, typeFromAST, visit, visitWithTypeInfo,
  type ASTNode, type DocumentNode, type GraphQLInputType, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';

const CHECKED_SCALARS: Record<string, (typeof scalarResolvers)[keyof typeof scalarResolvers]> = scalarResolvers;

const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

function refuse(problem: InputProblem): never {
  throw new GraphQLError(problem.message, {
    extensions: { code: 'BAD_USER_INPUT', ...(problem.field ? { field: problem.field } : {}), http: { status: 400 } },
  });
}

/** Walks a variable's value along its declared type, so a JSON scalar's path names its field. */
function typedProblem(value: unknown, type: GraphQLInputType, path: string, depth: number): InputProblem | undefined {
  if (isNonNullType(type)) return typedProblem(value, type.ofType, path, depth);
  if (depth > MAX_INPUT_DEPTH) return { field: path, message: `${path || 'value'} is nested deeper than ${MAX_INPUT_DEPTH} levels` };
  if (isListType(type) && Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const problem = typedProblem(value[i], type.ofType, join(path, i), depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (isListType(type)) return typedProblem(value, type.ofType, path, depth); // a single value stands for a list of one
  if (isInputObjectType(type) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const fields = type.getFields();
    for (const [key, child] of Object.entries(value)) {
      const field = fields[key];
      const problem = field ? typedProblem(child, field.type, join(path, key), depth + 1) : jsonProblem(child, join(path, key), depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  return jsonProblem(value, path, depth);
}

function variablesProblem(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>): InputProblem | undefined {
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (!(name in variables)) continue;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    const value = variables[name];
    const objectArgument = type && isInputObjectType(isNonNullType(type) ? type.ofType : type);
    const problem = type ? typedProblem(value, type, objectArgument ? '' : name, 0) : jsonProblem(value, name);
    if (problem) return problem;
  }
  return undefined;
}

/** The field a literal belongs to: the object fields below the argument, else the argument. */
function literalField(ancestors: readonly (ASTNode | readonly ASTNode[])[]): string {
  const names: string[] = [];
  let argument = '';
  for (const a of ancestors) {
    if (Array.isArray(a) || !('kind' in (a as ASTNode))) continue;
    const node = a as ASTNode;
    if (node.kind === Kind.ARGUMENT) { argument = node.name.value; names.length = 0; }
    if (node.kind === Kind.OBJECT_FIELD) names.push(node.name.value);
  }
  return names.length ? names.join('.') : argument;
}

function literalsProblem(schema: GraphQLSchema, document: DocumentNode): InputProblem | undefined {
  const typeInfo = new TypeInfo(schema);
  let found: InputProblem | undefined;
  const nesting = (ancestors: Ancestors) =>
    ancestors.filter((a) => !Array.isArray(a) && ((a as ASTNode).kind === Kind.OBJECT || (a as ASTNode).kind === Kind.LIST)).length;
  type Ancestors = readonly (ASTNode | readonly ASTNode[])[];
  // graphql-js passes the parent apart from the ancestors above it.
  const leaf = (node: ASTNode, _k: unknown, parent: ASTNode | readonly ASTNode[] | undefined, _path: unknown, ancestors: Ancestors) => {
    const field = literalField(parent ? [...ancestors, parent] : ancestors);
    if (node.kind === Kind.STRING) {
      const problem = textProblem(node.value);
      if (problem) found = { field, message: `${field} ${problem}` };
    }
    const scalar = CHECKED_SCALARS[getNamedType(typeInfo.getInputType() ?? undefined)?.name ?? ''];
    if (!found && scalar && scalar.name !== 'JSON') {
      try {
        scalar.parseLiteral(node as never, undefined);
      } catch (error) {
        found = { field, message: `${field}: ${(error as Error).message}` };
      }
    }
    return found ? false : undefined;
  };
  const container = (_node: ASTNode, _k: unknown, parent: ASTNode | readonly ASTNode[] | undefined, _path: unknown, ancestors: Ancestors) => {
    const above = parent ? [...ancestors, parent] : ancestors;
    if (nesting(above) + 1 > MAX_INPUT_DEPTH) {
      const field = literalField(above);
      found = { field, message: `${field || 'value'} is nested deeper than ${MAX_INPUT_DEPTH} levels` };
      return false;
    }
    return undefined;
  };
  // `visit` stops descending on `false`; BREAK is not needed since the first problem ends the request.
  visit(document, visitWithTypeInfo(typeInfo, {
    StringValue: (node, k, p, path, ancestors) => (found ? false : leaf(node, k, p, path, ancestors)),
    IntValue: (node, k, p, path, ancestors) => (found ? false : leaf(node, k, p, path, ancestors)),
    FloatValue: (node, k, p, path, ancestors) => (found ? false : leaf(node, k, p, path, ancestors)),
    ObjectValue: (node, k, p, path, ancestors) => (found ? false : container(node, k, p, path, ancestors)),
    ListValue: (node, k, p, path, ancestors) => (found ? false : container(node, k, p, path, ancestors)),
  }));
  return found;
}

/**
 * A document's literals are the same on every request that sends it (Apollo Server hands them all
 * the same parsed document): checked once per schema and document, not on each request (a typed
 * walk of the whole document).
 */
const checkedLiterals = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, { problem: InputProblem | undefined }>>();

function literalsProblemOnce(schema: GraphQLSchema, document: DocumentNode): InputProblem | undefined {
  let documents = checkedLiterals.get(schema);
  if (!documents) checkedLiterals.set(schema, (documents = new WeakMap()));
  let checked = documents.get(document);
  if (!checked) documents.set(document, (checked = { problem: literalsProblem(schema, document) }));
  return checked.problem;
}

export const inputGuardPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, document, request, schema }) {
        if (!operation) return;
        const problem = variablesProblem(schema, operation, request.variables ?? {}) ?? literalsProblemOnce(schema, document);
        if (problem) refuse(problem);
      },
    };
  },
};

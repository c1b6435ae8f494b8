// The compiled executor's result shaping: what @apollo/gateway's computeResponse (resultShaping.ts)
// does after a plan's fetches (keep only the client's selections, in the client's order; fill the
// root types' __typename; validate leaf values; bubble nulls up to the nearest nullable field), but
// with everything that does not depend on variables worked out once per operation document: field
// types, response names, type-condition checks and literal @skip/@include. Apollo rebuilds its
// Operation from the document for every request and walks it through federation-internals' types.
// Rules follow resultShaping.ts line for line (same error messages, paths and codes); anything it
// cannot shape the same way (introspection beyond __typename) makes `compileShape` return undefined
// and the request keeps Apollo's executor.
import { ERRORS } from '@apollo/federation-internals';
import {
  GraphQLBoolean, GraphQLError, GraphQLFloat, GraphQLID, GraphQLInt, Kind, isAbstractType, isCompositeType, isEnumType, isInterfaceType, isListType, isNonNullType,
  isObjectType, isSpecifiedScalarType, valueFromAST, typeFromAST,
  type DirectiveNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLNamedType, type GraphQLOutputType, type GraphQLSchema, type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

type Path = (string | number)[];
type Row = Record<string, unknown>;

/** @skip/@include: a literal (decided once) or a variable's name (read per request). */
interface Condition {
  skip?: string;
  include?: string;
}

type OutputShape =
  | { kind: 'nonNull'; of: OutputShape }
  | { kind: 'list'; of: OutputShape }
  | { kind: 'leaf'; typeName: string; valid: (value: unknown) => boolean }
  | { kind: 'composite'; typeName: string; selections: Selection[] };

type Selection =
  | { kind: 'typename'; responseName: string; condition?: Condition }
  | { kind: 'field'; responseName: string; shape: OutputShape; condition?: Condition }
  | { kind: 'fragment'; typeCondition?: string; selections: Selection[]; condition?: Condition };

interface ShapeState {
  variables: Record<string, unknown>;
  errors: GraphQLError[];
}

/** A compiled operation's shaper: the client's answer from the plan's merged data. */
export interface Shaper {
  /** Variables with their defaults applied, as computeResponse reads them. */
  withDefaults(variables: Record<string, unknown> | undefined): Record<string, unknown>;
  shape(input: Row | null | undefined, variables: Record<string, unknown>): { data: Row | null | undefined; errors: GraphQLError[] };
}

const INTEGER = /^[-+]?\d+$/;
const NULL_BUBBLE_UP = Symbol('null bubbles up');

/** isValidLeafValue of federation-internals, decided per type once. */
function leafCheck(type: GraphQLNamedType): (value: unknown) => boolean {
  if (!isSpecifiedScalarType(type) && !isEnumType(type)) return () => true; // a custom scalar may hold anything
  const numeric = type === GraphQLInt || type === GraphQLID ? 'integer' : type === GraphQLFloat ? 'float' : 'none';
  const enumValues = isEnumType(type) ? new Set(type.getValues().map((v) => v.name)) : undefined;
  const stringAllowed = type !== GraphQLBoolean && type !== GraphQLInt && type !== GraphQLFloat;
  return (value) => {
    if (typeof value === 'boolean') return type === GraphQLBoolean;
    if (typeof value === 'number' && Number.isFinite(value)) return numeric === 'integer' ? INTEGER.test(String(value)) : numeric === 'float';
    if (typeof value === 'string') return enumValues ? enumValues.has(value) : stringAllowed;
    return false;
  };
}

class Compiler {
  private readonly checks = new Map<GraphQLNamedType, (value: unknown) => boolean>();
  /** Set when the document holds something this shaper does not do as Apollo does. */
  unsupported?: string;
  /** __schema or __type: Apollo's computeResponse runs them through graphql-js. */
  introspection = false;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
  ) {}

  private condition(directives: readonly DirectiveNode[] | undefined): Condition | undefined | 'never' {
    let condition: Condition | undefined;
    for (const directive of directives ?? []) {
      const name = directive.name.value;
      if (name !== 'skip' && name !== 'include') continue;
      const value = directive.arguments?.find((a) => a.name.value === 'if')?.value;
      if (value?.kind === Kind.BOOLEAN) {
        if (value.value === (name === 'skip')) return 'never';
      } else if (value?.kind === Kind.VARIABLE) {
        condition = { ...condition, [name]: value.name.value };
      } else {
        this.unsupported = `@${name} without a boolean`;
      }
    }
    return condition;
  }

  private output(type: GraphQLOutputType, selectionSet: SelectionSetNode | undefined): OutputShape {
    if (isNonNullType(type)) return { kind: 'nonNull', of: this.output(type.ofType, selectionSet) };
    if (isListType(type)) return { kind: 'list', of: this.output(type.ofType, selectionSet) };
    if (isCompositeType(type)) {
      if (!selectionSet) this.unsupported = `no selection on ${type.name}`;
      return { kind: 'composite', typeName: type.name, selections: selectionSet ? this.selections(selectionSet, type) : [] };
    }
    let check = this.checks.get(type);
    if (!check) this.checks.set(type, (check = leafCheck(type)));
    return { kind: 'leaf', typeName: type.name, valid: check };
  }

  selections(selectionSet: SelectionSetNode, parent: GraphQLCompositeType): Selection[] {
    const out: Selection[] = [];
    for (const node of selectionSet.selections) {
      const condition = this.condition(node.directives);
      if (condition === 'never') continue;
      if (node.kind === Kind.FIELD) {
        const name = node.name.value;
        const responseName = node.alias?.value ?? name;
        if (name === '__typename') {
          out.push({ kind: 'typename', responseName, condition });
          continue;
        }
        if (name === '__schema' || name === '__type') {
          this.introspection = true;
          continue;
        }
        if (isAbstractType(parent) && !isInterfaceType(parent)) {
          this.unsupported = `field ${name} on union ${parent.name}`;
          continue;
        }
        const definition = (parent as Exclude<GraphQLCompositeType, import('graphql').GraphQLUnionType>).getFields()[name];
        if (!definition) {
          this.unsupported = `unknown field ${parent.name}.${name}`;
          continue;
        }
        out.push({ kind: 'field', responseName, shape: this.output(definition.type, node.selectionSet), condition });
      } else {
        let typeCondition: string | undefined;
        let selectionSet: SelectionSetNode;
        if (node.kind === Kind.INLINE_FRAGMENT) {
          typeCondition = node.typeCondition?.name.value;
          selectionSet = node.selectionSet;
        } else {
          const fragment = this.fragments.get(node.name.value);
          if (!fragment) {
            this.unsupported = `unknown fragment ${node.name.value}`;
            continue;
          }
          typeCondition = fragment.typeCondition.name.value;
          selectionSet = fragment.selectionSet;
        }
        const scope = typeCondition ? this.schema.getType(typeCondition) : parent;
        if (!scope || !isCompositeType(scope)) {
          this.unsupported = `type condition ${typeCondition}`;
          continue;
        }
        out.push({ kind: 'fragment', typeCondition, selections: this.selections(selectionSet, scope), condition });
      }
    }
    return out;
  }
}

/**
 * Compiles the shaping of `operation`'s answer over the API schema, or says why not: the operation
 * needs something only Apollo's computeResponse does (introspection: __schema, __type), or holds
 * something a validated document should not (then Apollo's executor answers as it would).
 */
export function compileShape(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: FragmentDefinitionNode[]): Shaper | { unsupported: 'introspection' | 'document'; detail: string } {
  const root = schema.getRootType(operation.operation);
  if (!root) return { unsupported: 'document', detail: `no ${operation.operation} root type` };
  const compiler = new Compiler(schema, new Map(fragments.map((f) => [f.name.value, f])));
  const selections = compiler.selections(operation.selectionSet, root);
  if (compiler.introspection) return { unsupported: 'introspection', detail: '__schema or __type' };
  if (compiler.unsupported) return { unsupported: 'document', detail: compiler.unsupported };

  const defaults: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (!definition.defaultValue) continue;
    const type = typeFromAST(schema, definition.type);
    if (type) defaults[definition.variable.name.value] = valueFromAST(definition.defaultValue, type as never);
  }
  const hasDefaults = Object.keys(defaults).length > 0;

  /** isSubtype(typeCondition, type) of federation-internals, memoised per pair of names. */
  const subtype = new Map<string, boolean>();
  const applies = (typeCondition: string, typeName: string): boolean => {
    const key = `${typeCondition}\0${typeName}`;
    let answer = subtype.get(key);
    if (answer === undefined) {
      const condition = schema.getType(typeCondition);
      const type = schema.getType(typeName);
      answer = !!condition && !!type && (condition === type || (isAbstractType(condition) && (isObjectType(type) || isInterfaceType(type)) && schema.isSubType(condition, type)));
      subtype.set(key, answer);
    }
    return answer;
  };

  const skipped = (condition: Condition | undefined, variables: Record<string, unknown>): boolean => {
    if (!condition) return false;
    return (condition.skip !== undefined && variables[condition.skip] === true) || (condition.include !== undefined && variables[condition.include] !== true);
  };

  const describe = (path: Path, typeName: string, parentType: string): string => {
    const last = path[path.length - 1];
    return typeof last === 'string' ? `field ${parentType}.${last}` : `array element of type ${typeName} at index ${last}`;
  };
  const named = (shape: OutputShape): Extract<OutputShape, { typeName: string }> => (shape.kind === 'nonNull' || shape.kind === 'list' ? named(shape.of) : shape);
  const printed = (shape: OutputShape): string => (shape.kind === 'nonNull' ? `${printed(shape.of)}!` : shape.kind === 'list' ? `[${printed(shape.of)}]` : shape.typeName);

  /** applySelectionSet: false when a null must bubble up to the parent. */
  function applySelections(input: Row, list: Selection[], output: Row, state: ShapeState, path: Path, parentType: string): boolean {
    for (const selection of list) {
      if (skipped(selection.condition, state.variables)) continue;
      if (selection.kind === 'typename') {
        if (output[selection.responseName] !== undefined) continue;
        let value = Object.hasOwn(input, selection.responseName) ? (input[selection.responseName] ?? null) : null;
        if (value === null && selection.responseName !== '__typename') value = input.__typename ?? null;
        const type = typeof value === 'string' ? (schema.getType(value) ?? schema.getType(parentType)) : schema.getType(parentType);
        if (!isObjectType(type)) return false;
        output[selection.responseName] = type.name;
      } else if (selection.kind === 'field') {
        const inputValue = Object.hasOwn(input, selection.responseName) ? (input[selection.responseName] ?? null) : null;
        path.push(selection.responseName);
        const result = update(output[selection.responseName], selection.shape, inputValue, state, path, parentType);
        path.pop();
        if (result === NULL_BUBBLE_UP) {
          output[selection.responseName] = null;
          return false;
        }
        output[selection.responseName] = result.updated;
      } else {
        const typename = input.__typename;
        if (typename !== undefined && typeof typename !== 'string') throw new Error(`Got unexpected value for __typename: ${String(typename)}`);
        const matches = !selection.typeCondition || (typename ? applies(selection.typeCondition, typename) : applies(selection.typeCondition, parentType));
        if (matches && !applySelections(input, selection.selections, output, state, path, selection.typeCondition ?? parentType)) return false;
      }
    }
    return true;
  }

  /** updateOutputValue: the new output value and whether errors were already recorded for it; NULL_BUBBLE_UP for an invalid null. */
  function update(outputValue: unknown, shape: OutputShape, inputValue: unknown, state: ShapeState, path: Path, parentType: string): { updated: unknown; hasErrors: boolean } | typeof NULL_BUBBLE_UP {
    // A value already shaped by an earlier selection of the same response name: only composites gain fields.
    if (outputValue === null || (outputValue !== undefined && named(shape).kind === 'leaf')) return { updated: outputValue, hasErrors: false };
    if (shape.kind === 'nonNull') {
      const inner = update(outputValue, shape.of, inputValue, state, path, parentType);
      if (inner === NULL_BUBBLE_UP || inner.updated === null) {
        if (inner === NULL_BUBBLE_UP || !inner.hasErrors) {
          if (inner !== NULL_BUBBLE_UP) state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${describe(path, printed(shape.of), parentType)}.`, { path: [...path] }));
        }
        return NULL_BUBBLE_UP;
      }
      return inner;
    }
    if (inputValue === null) return { updated: null, hasErrors: false };
    if (shape.kind === 'list') {
      if (!Array.isArray(inputValue)) throw new Error(`Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${printed(shape)}`);
      const previous = outputValue as unknown[] | undefined;
      if (previous !== undefined && previous.length !== inputValue.length) throw new Error(`[${String(inputValue)}].length (${inputValue.length}) !== [${String(previous)}].length (${previous.length})`);
      const updated = new Array<unknown>(inputValue.length);
      let nullify = false;
      let hasErrors = false;
      for (let i = 0; i < inputValue.length; i += 1) {
        path.push(i);
        const element = update(previous?.[i], shape.of, inputValue[i], state, path, parentType);
        path.pop();
        if (element === NULL_BUBBLE_UP) {
          nullify = true;
          hasErrors = true;
          updated[i] = null;
        } else {
          hasErrors ||= element.hasErrors;
          updated[i] = element.updated;
        }
      }
      return { updated: nullify ? null : updated, hasErrors };
    }
    if (shape.kind === 'composite') {
      if (typeof inputValue !== 'object') throw new Error(`Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${shape.typeName}`);
      const row = inputValue as Row;
      const typename = row.__typename;
      if (typename !== undefined && typeof typename !== 'string') throw new Error(`Invalid non-string value ${String(typename)} for __typename at ${path.join(',')}`);
      let objectType = shape.typeName;
      if (typename) {
        const type = schema.getType(typename);
        if (!type || !isCompositeType(type)) {
          state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${describe(path, shape.typeName, parentType)}.`, { path: [...path] }));
          return { updated: null, hasErrors: true };
        }
        objectType = typename;
      }
      const output = (outputValue ?? Object.create(null)) as Row;
      const ok = applySelections(row, shape.selections, output, state, path, objectType);
      return ok ? { updated: output, hasErrors: false } : { updated: null, hasErrors: true };
    }
    if (!shape.valid(inputValue)) {
      state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${describe(path, shape.typeName, parentType)}.`, { path: [...path] }));
      return { updated: null, hasErrors: true };
    }
    return { updated: inputValue, hasErrors: false };
  }

  return {
    withDefaults: (variables) => (hasDefaults ? { ...defaults, ...variables } : (variables ?? {})),
    shape(input, variables) {
      if (!input) return { data: input, errors: [] };
      const state: ShapeState = { variables, errors: [] };
      const data = Object.create(null) as Row;
      const ok = applySelections(input, selections, data, state, [], root.name);
      return { data: ok ? data : null, errors: state.errors };
    },
  };
}

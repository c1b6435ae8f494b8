// `npm run schema:check` (a step of scripts/test.sh): is the schema we are about to ship breaking a
// web app? Composes the supergraph and each subgraph's SDL from the current code and diffs them with
// @graphql-inspector/core against the committed ones on the last commit of main (HEAD when there is
// no main ref). A breaking change to anything an operation of the client contract uses (a field, an
// argument, an input field, an enum value, a type; ../shared/contract/operations, and pending/ where
// it validates) fails the check, naming the change and the operations it breaks. Other breaking
// changes, and every breaking change of one subgraph's SDL (a field may move between subgraphs with
// no client noticing: the supergraph decides), are printed as warnings.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import {
  buildSchema, getNamedType, isEnumType, isInputObjectType, isInterfaceType, isObjectType, Kind, parse, TypeInfo, typeFromAST, validate,
  visit, visitWithTypeInfo, type DocumentNode, type GraphQLNamedType, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';

const root = join(__dirname, '..');
const contractDir = join(root, '..', 'shared', 'contract');

/** The client-facing schema of a supergraph (join directives and inaccessible parts removed) or of a plain SDL. */
export function apiSchema(sdl: string): GraphQLSchema {
  return /@join__graph|join__Graph/.test(sdl) ? Supergraph.build(sdl).apiSchema().toGraphQLJSSchema() : buildSchema(sdl);
}

export interface ContractOperation {
  /** `file.graphql OperationName` */
  name: string;
  document: DocumentNode;
}

/** Each operation of the contract (fragments it uses travel with it), pending ones included when asked. */
export function contractOperations(dirs = [join(contractDir, 'operations'), join(contractDir, 'pending')]): ContractOperation[] {
  const operations: ContractOperation[] = [];
  for (const dir of dirs.filter((d) => existsSync(d))) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort()) {
      const document = parse(readFileSync(join(dir, file), 'utf8'));
      const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
      for (const op of document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
        operations.push({ name: `${file} ${op.name?.value ?? '(anonymous)'}`, document: { kind: Kind.DOCUMENT, definitions: [op, ...fragments] } });
      }
    }
  }
  return operations;
}

/** Every schema coordinate of a schema: `Type`, `Type.field`, `Type.field.argument`, `Input.field`, `Enum.VALUE`. */
export function schemaCoordinates(schema: GraphQLSchema): Set<string> {
  const coordinates = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    coordinates.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        coordinates.add(`${type.name}.${field.name}`);
        for (const arg of field.args) coordinates.add(`${type.name}.${field.name}.${arg.name}`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) coordinates.add(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) coordinates.add(`${type.name}.${value.name}`);
    }
  }
  return coordinates;
}

/**
 * The coordinates an operation depends on, against `schema`: each selected field and argument given,
 * each type it names or returns, and, for the inputs and enums it reaches, all their fields and
 * values (a client builds inputs and switches over enums as the schema had them).
 */
export function usedCoordinates(schema: GraphQLSchema, document: DocumentNode): Set<string> {
  const used = new Set<string>();
  const markType = (type: GraphQLNamedType | null | undefined) => {
    if (!type || used.has(type.name)) return;
    used.add(type.name);
    if (isEnumType(type)) for (const value of type.getValues()) used.add(`${type.name}.${value.name}`);
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        used.add(`${type.name}.${field.name}`);
        markType(getNamedType(field.type));
      }
    }
  };
  const typeInfo = new TypeInfo(schema);
  visit(document, visitWithTypeInfo(typeInfo, {
    Field(node) {
      const parent = typeInfo.getParentType();
      if (parent) used.add(`${parent.name}.${node.name.value}`);
      markType(getNamedType(typeInfo.getType()));
    },
    Argument(node) {
      const parent = typeInfo.getParentType();
      const field = typeInfo.getFieldDef();
      if (parent && field) used.add(`${parent.name}.${field.name}.${node.name.value}`);
      markType(getNamedType(typeInfo.getArgument()?.type));
    },
    VariableDefinition(node) {
      markType(getNamedType(typeFromAST(schema, node.type as never)));
    },
    OperationDefinition(node) {
      markType(schema.getRootType(node.operation));
    },
    InlineFragment(node) {
      if (node.typeCondition) markType(schema.getType(node.typeCondition.name.value));
    },
    FragmentDefinition(node) {
      markType(schema.getType(node.typeCondition.name.value));
    },
  }));
  return used;
}

export interface Finding {
  change: Change;
  /** Contract operations that use what changed (empty for a warning). */
  operations: string[];
}

export interface SchemaCheck {
  /** Breaking changes to what the contract's operations use: the check fails. */
  broken: Finding[];
  /** Breaking changes nothing in the contract uses, and dangerous changes to what it uses. */
  warnings: Finding[];
  /** Contract operations that validated against the base schema and no longer do. */
  invalidated: { operation: string; errors: string[] }[];
  /** Operations left out because they do not validate against the base either (pending ones). */
  notValidated: number;
}

/**
 * What a change touches, as a coordinate of the base schema: the change's own path when it existed
 * (a removal, a type change), else its nearest ancestor that did (a new required argument or input
 * field breaks whoever uses the field or input it was added to).
 */
function touchedCoordinate(path: string | undefined, base: Set<string>): string | undefined {
  if (!path) return undefined;
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n -= 1) {
    const candidate = parts.slice(0, n).join('.');
    if (base.has(candidate)) return candidate;
  }
  return undefined;
}

export async function checkSchemaChange(base: GraphQLSchema, next: GraphQLSchema, operations: ContractOperation[]): Promise<SchemaCheck> {
  // Only the operations that work today are the contract's promise (a pending one that does not
  // validate yet breaks nobody).
  const live = operations.filter((op) => validate(base, op.document).length === 0);
  const users = new Map<string, string[]>();
  for (const op of live) {
    for (const coordinate of usedCoordinates(base, op.document)) users.set(coordinate, [...(users.get(coordinate) ?? []), op.name]);
  }
  const baseCoordinates = schemaCoordinates(base);
  const result: SchemaCheck = { broken: [], warnings: [], invalidated: [], notValidated: operations.length - live.length };
  for (const change of await diff(base, next)) {
    const level = change.criticality.level;
    if (level === CriticalityLevel.NonBreaking) continue;
    const coordinate = touchedCoordinate(change.path, baseCoordinates);
    const usedBy = coordinate ? (users.get(coordinate) ?? []) : [];
    if (level === CriticalityLevel.Breaking && usedBy.length) result.broken.push({ change, operations: usedBy });
    else if (level === CriticalityLevel.Breaking || usedBy.length) result.warnings.push({ change, operations: usedBy });
  }
  for (const op of live) {
    const errors = validate(next, op.document);
    if (errors.length) result.invalidated.push({ operation: op.name, errors: errors.map((e) => e.message) });
  }
  return result;
}

export const failed = (check: SchemaCheck) => check.broken.length > 0 || check.invalidated.length > 0;

/** The committed file on the last commit of main, else of HEAD; undefined when that commit has none. */
export function committedFile(path: string): { ref: string; text: string | undefined } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  let ref = 'HEAD';
  try {
    git('rev-parse', '--verify', '--quiet', 'main^{commit}');
    ref = 'main';
  } catch {
    // no main branch here (a CI checkout of one commit): compare with the commit under test
  }
  try {
    return { ref, text: git('show', `${ref}:${path}`) };
  } catch {
    return { ref, text: undefined };
  }
}

const describe = ({ change, operations }: Finding) =>
  `  - ${change.message}${change.path ? ` [${change.path}]` : ''}${operations.length ? `\n      used by ${operations.slice(0, 6).join(', ')}${operations.length > 6 ? ` and ${operations.length - 6} more` : ''}` : ''}`;

export function report(title: string, check: SchemaCheck): string[] {
  const lines: string[] = [];
  if (check.broken.length) lines.push(`${title}: ${check.broken.length} breaking change(s) to what the contract uses:`, ...check.broken.map(describe));
  for (const { operation, errors } of check.invalidated) lines.push(`${title}: ${operation} no longer validates: ${errors.slice(0, 3).join(' | ')}`);
  if (check.warnings.length) lines.push(`${title}: warning, ${check.warnings.length} change(s) the contract does not depend on but other clients may:`, ...check.warnings.map(describe));
  return lines;
}

/** `--base <file>` / `--next <file>`: compare these schemas (a supergraph or a plain SDL) instead. */
const option = (name: string) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
};

async function main(): Promise<number> {
  const operations = contractOperations();
  const baseFile = option('--base');
  const nextFile = option('--next');
  const base = baseFile ? { ref: baseFile, text: readFileSync(baseFile, 'utf8') } : committedFile('schema/supergraph.graphql');
  if (!base.text) {
    console.log(`schema:check: ${base.ref} has no schema/supergraph.graphql; nothing to compare with`);
    return 0;
  }
  // Composed here (not read from schema/) so an uncommitted SDL edit is checked too.
  const files: Record<string, string> = nextFile ? { 'schema/supergraph.graphql': readFileSync(nextFile, 'utf8') } : (await import('./compose')).composeSupergraph().files;
  const supergraph = await checkSchemaChange(apiSchema(base.text), apiSchema(files['schema/supergraph.graphql']), operations);
  for (const line of report('supergraph', supergraph)) console.log(line);

  for (const path of Object.keys(files).filter((p) => p.startsWith('schema/subgraphs/'))) {
    const committed = committedFile(path).text;
    if (!committed) continue;
    const subgraph = (sdl: string) => buildSubgraphSchema(parse(sdl));
    const changes = (await diff(subgraph(committed), subgraph(files[path]))).filter((c) => c.criticality.level === CriticalityLevel.Breaking);
    if (changes.length) {
      console.log(`${path}: warning, ${changes.length} breaking change(s) in this subgraph (fine when another subgraph now serves them; the supergraph check decides):`);
      for (const change of changes) console.log(describe({ change, operations: [] }));
    }
  }
  const live = operations.length - supergraph.notValidated;
  if (failed(supergraph)) {
    console.log(`schema:check: FAILED against ${base.ref}: the changes above break operations of the client contract`);
    return 1;
  }
  console.log(`schema:check: no breaking change to what the ${live} contract operations use, against ${base.ref}`);
  return 0;
}

if (require.main === module) {
  main().then((status) => process.exit(status), (error: Error) => {
    console.error(`schema:check: ${error.message}`);
    process.exit(1);
  });
}

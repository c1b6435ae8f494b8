// A subgraph's Prisma schema as Prisma itself reads it (the DMMF of @prisma/prisma-schema-wasm, the
// same wasm build the prisma CLI bundles), and what Prisma's PostgreSQL connector makes of it: the
// column types and default constraint names. Read by the schema drift test (tests/db/schema-drift)
// and by `npm run migration` (scripts/migration.ts), which writes a migration from the schema.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { get_dmmf } from '@prisma/prisma-schema-wasm';

const root = join(__dirname, '..');
/** Postgres truncates identifiers to 63 bytes; Prisma's default constraint names follow suit. */
export const MAX_IDENTIFIER = 63;

export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  isUpdatedAt: boolean;
  isId?: boolean;
  isUnique?: boolean;
  /** A literal, a list of literals, or a function: `{ name: 'now' | 'dbgenerated' | 'uuid' | 'autoincrement', args }`. */
  default?: unknown;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  schema: string | null;
  fields: DmmfField[];
}

export interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  algorithm?: string;
  fields: { name: string; sortOrder?: 'asc' | 'desc' }[];
}

export interface Datamodel {
  models: DmmfModel[];
  indexes: DmmfIndex[];
}

export function parsePrismaSchema(schemaText: string, fileName = 'schema.prisma'): Datamodel {
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [[fileName, schemaText]] }))) as { datamodel: Datamodel };
  return dmmf.datamodel;
}

/**
 * Partial-index predicates (`where: raw("...")`, preview feature partialIndexes) by index name. The
 * DMMF does not carry them, so they are read from the @@index/@@unique attribute with that `map:`.
 */
export function indexPredicates(schemaText: string): Map<string, string> {
  const predicates = new Map<string, string>();
  for (const [, args] of schemaText.matchAll(/^\s*@@(?:index|unique)\((.*)\)\s*(?:\/\/.*)?$/gm)) {
    const name = /\bmap:\s*"([^"]+)"/.exec(args)?.[1];
    if (!name || !/\bwhere:/.test(args)) continue;
    const raw = /\bwhere:\s*raw\(\s*"((?:[^"\\]|\\.)*)"\s*\)/.exec(args)?.[1];
    predicates.set(name, raw === undefined ? `<unsupported where: syntax in ${args}>` : raw.replace(/\\(.)/g, '$1'));
  }
  return predicates;
}

/** A subgraph's schema folder (one file per module) as one text: Prisma reads the files as one schema. */
export const readSchema = (subgraph: string) => {
  const dir = join(root, 'prisma', subgraph, 'schema');
  return readdirSync(dir).filter((file) => file.endsWith('.prisma')).sort().map((file) => readFileSync(join(dir, file), 'utf8')).join('\n');
};
export const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
export const columnOf = (field: DmmfField) => field.dbName ?? field.name;

/** Prisma's default constraint name: <table>_<columns>_<suffix>, cut to Postgres's identifier limit. */
export function defaultConstraintName(table: string, columns: string[], suffix: 'pkey' | 'key' | 'idx' | 'fkey'): string {
  const base = suffix === 'pkey' ? table : `${table}_${columns.join('_')}`;
  return `${base.slice(0, MAX_IDENTIFIER - suffix.length - 1)}_${suffix}`;
}

/** The column type Prisma's PostgreSQL connector creates for a field, as format_type() prints it. */
export function expectedColumnType(field: DmmfField): string {
  const [native, args] = field.nativeType ?? [undefined, [] as string[]];
  const precision = (fallback: number) => args[0] ?? String(fallback);
  let base: string | undefined;
  switch (field.type) {
    case 'String':
      if (!native || native === 'Text') base = 'text';
      else if (native === 'Uuid') base = 'uuid';
      else if (native === 'VarChar') base = args.length ? `character varying(${args[0]})` : 'character varying';
      else if (native === 'Char') base = `character(${args[0] ?? 1})`;
      else if (native === 'Citext') base = 'citext';
      else if (native === 'Inet') base = 'inet';
      break;
    case 'Int':
      if (!native || native === 'Integer') base = 'integer';
      else if (native === 'SmallInt') base = 'smallint';
      break;
    case 'BigInt':
      if (!native || native === 'BigInt') base = 'bigint';
      break;
    case 'Boolean':
      if (!native || native === 'Boolean') base = 'boolean';
      break;
    case 'Float':
      if (!native || native === 'DoublePrecision') base = 'double precision';
      else if (native === 'Real') base = 'real';
      break;
    case 'Decimal':
      if (!native) base = 'numeric(65,30)';
      else if (native === 'Decimal') base = args.length ? `numeric(${args[0]},${args[1] ?? 0})` : 'numeric';
      else if (native === 'Money') base = 'money';
      break;
    case 'DateTime':
      if (!native) base = 'timestamp(3) without time zone';
      else if (native === 'Timestamp') base = `timestamp(${precision(6)}) without time zone`;
      else if (native === 'Timestamptz') base = `timestamp(${precision(6)}) with time zone`;
      else if (native === 'Date') base = 'date';
      else if (native === 'Time') base = `time(${precision(6)}) without time zone`;
      else if (native === 'Timetz') base = `time(${precision(6)}) with time zone`;
      break;
    case 'Json':
      if (!native || native === 'JsonB') base = 'jsonb';
      else if (native === 'Json') base = 'json';
      break;
    case 'Bytes':
      if (!native || native === 'ByteA') base = 'bytea';
      break;
  }
  if (!base) return `<unsupported by this check: ${field.type}${native ? ` @db.${native}` : ''}>`;
  return field.isList ? `${base}[]` : base;
}

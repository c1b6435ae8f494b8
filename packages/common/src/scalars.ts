// The contract's scalars (shared/contract/README.md, "Scalars"). Each one rejects what it cannot
// represent exactly: Decimal and BigInt never pass through a float.
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { badInput } from './errors';
import { assertJsonInput } from './input-guard';

function literalString(ast: ValueNode): unknown {
  return ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : undefined;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'ISO-8601 instant with zone, e.g. 2026-11-25T10:00:00.000Z',
  serialize: (value) => (value instanceof Date ? value : new Date(String(value))).toISOString(),
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => parseDateTime(literalString(ast)),
});

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw badInput('DateTime must be ISO-8601 with a zone');
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badInput('DateTime is not a valid instant');
  // PostgreSQL stores years up to 294276, but an ISO string of a year past 9999 is no longer ISO-8601.
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) throw badInput('DateTime must fall within the years 0001 to 9999 (UTC)');
  return date;
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'Calendar date, YYYY-MM-DD',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: (value) => parseDate(value),
  parseLiteral: (ast) => parseDate(literalString(ast)),
});

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw badInput('Date must be YYYY-MM-DD');
  const date = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) throw badInput('Date is not a valid day');
  return value;
}

/** Fixed-point number as a string. Values come from NUMERIC(15,2) columns and keep two decimals. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'Fixed-point number as a JSON string, e.g. "1250.00"; never a float',
  serialize: (value) => {
    if (value && typeof value === 'object' && 'toFixed' in value) return (value as { toFixed(n: number): string }).toFixed(2);
    return String(value);
  },
  parseValue: (value) => parseDecimal(value),
  parseLiteral: (ast) => parseDecimal(ast.kind === Kind.STRING ? ast.value : undefined),
});

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !/^-?\d{1,13}(\.\d{1,2})?$/.test(value)) {
    throw badInput('Decimal must be a string such as "1250.00" (up to 13 digits and 2 decimals)');
  }
  return value;
}

export const BigIntScalar = new GraphQLScalarType({
  name: 'BigInt',
  description: 'Integer as a JSON string of digits (money in cents)',
  serialize: (value) => String(value),
  parseValue: (value) => parseBigInt(value),
  parseLiteral: (ast) => parseBigInt(literalString(ast)),
});

function parseBigInt(value: unknown): bigint {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw badInput('BigInt must be a string of digits');
  return BigInt(value);
}

function literalToJson(ast: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literalToJson(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToJson(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default:
      return undefined;
  }
}

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value',
  serialize: (value) => value,
  // The gateway refuses these first; a subgraph still never stores what PostgreSQL would refuse.
  parseValue: (value) => {
    assertJsonInput(value, '');
    return value;
  },
  parseLiteral: (ast, variables) => {
    const value = literalToJson(ast, variables);
    assertJsonInput(value, '');
    return value;
  },
});

export const scalarResolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Decimal: DecimalScalar,
  BigInt: BigIntScalar,
  JSON: JSONScalar,
};

/** SDL for the scalars, shared by every subgraph (identical definitions compose). */
export const scalarTypeDefs = /* GraphQL */ `
  scalar DateTime
  scalar Date
  scalar Decimal
  scalar BigInt
  scalar JSON
`;

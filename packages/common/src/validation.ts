import type { z } from 'zod';
import { badInput } from './errors';

/** Validates input with a zod schema; the first problem becomes BAD_USER_INPUT naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.map(String).join('.') : undefined;
  throw badInput(field ? `${field}: ${issue?.message}` : (issue?.message ?? 'Invalid input'), field);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/**
 * Prisma `contains` filter matching `text` literally, case-insensitively. Prisma hands the value to
 * LIKE unescaped, so `%` and `_` would be wildcards and a trailing backslash a database error;
 * PostgreSQL's default LIKE escape character is the backslash.
 */
export function containsText(text: string): { contains: string; mode: 'insensitive' } {
  return { contains: text.replace(/[\\%_]/g, '\\$&'), mode: 'insensitive' };
}

// What no input may carry, whatever its type: PostgreSQL refuses a NUL character in text (22021)
// and in JSON (22P05), and a lone UTF-16 surrogate in JSON; and a value nested thousands of levels
// deep overflows the stack of whoever walks it next. Checked once at the gateway (every variable
// and literal) and again by the JSON scalar of every subgraph, so each becomes BAD_USER_INPUT on
// its field instead of a masked INTERNAL_SERVER_ERROR.
import { badInput } from './errors';

/** Deepest nesting of any input value (objects and lists), counted from the argument. */
export const MAX_INPUT_DEPTH = 64;

export interface InputProblem {
  /** Dotted path of the offending value (`customFields.note`, `cells.3.value`). */
  field: string;
  message: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why this text cannot be stored, if it cannot. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (no lone surrogates)';
  return undefined;
}

const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

/**
 * The first problem of a JSON-shaped value (object keys included), walking at most
 * `MAX_INPUT_DEPTH - depth` levels below it. `path` names the value itself.
 */
export function jsonProblem(value: unknown, path: string, depth = 0): InputProblem | undefined {
  // Iterative, so a hostile depth cannot overflow the stack before the limit is noticed.
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path, depth }];
  while (stack.length) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      const problem = textProblem(item.value);
      if (problem) return { field: item.path, message: `${item.path || 'value'} ${problem}` };
    } else if (item.value !== null && typeof item.value === 'object') {
      if (item.depth >= MAX_INPUT_DEPTH) {
        return { field: path, message: `${path || 'value'} is nested deeper than ${MAX_INPUT_DEPTH} levels` };
      }
      const entries = Array.isArray(item.value) ? item.value.map((v, i) => [i, v] as const) : Object.entries(item.value);
      for (const [key, child] of entries) {
        if (typeof key === 'string') {
          const problem = textProblem(key);
          if (problem) return { field: item.path, message: `${item.path || 'value'}: a key ${problem}` };
        }
        stack.push({ value: child, path: join(item.path, key), depth: item.depth + 1 });
      }
    }
  }
  return undefined;
}

/** Throws BAD_USER_INPUT naming the field when the value cannot be taken. */
export function assertJsonInput(value: unknown, path: string): void {
  const problem = jsonProblem(value, path);
  if (problem) throw badInput(problem.message, problem.field || undefined);
}

// Relay connections with keyset (seek) pagination. A cursor is the sort key of its row (the
// ordering's value plus the id as tie-breaker), so it stays valid and stable when rows are
// inserted before or after it, and a page never repeats or skips a row. Cursors are opaque
// base64url strings; the tenant filter is always applied by the caller, never taken from a cursor.
import { badInput } from './errors';
import { textProblem } from './input-guard';
import { isUuid } from './validation';

export type SortDirection = 'asc' | 'desc';

export interface SortSpec {
  /** Model field to order by (the id is always added as the tie-breaker). */
  field: string;
  direction: SortDirection;
  /** How the value is carried in a cursor. */
  type: 'string' | 'date';
  /** Nullable columns sort their nulls last in both directions. */
  nullable?: boolean;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** Resolved lazily: a COUNT runs only when the client selects totalCount. */
  totalCount: () => Promise<number>;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return first;
}

type Row = { id: string } & Record<string, unknown>;

export function encodeCursor(sort: SortSpec, row: Row): string {
  const value = row[sort.field];
  const carried = value instanceof Date ? value.toISOString() : (value ?? null);
  return Buffer.from(JSON.stringify([sort.field, carried, row.id])).toString('base64url');
}

export function decodeCursor(sort: SortSpec, cursor: string): { value: unknown; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // The id is compared with a uuid column: anything else would be a database error, not an empty page.
    if (Array.isArray(parsed) && parsed.length === 3 && parsed[0] === sort.field && isUuid(parsed[2])) {
      const raw = parsed[1];
      if (raw === null && sort.nullable) return { value: null, id: parsed[2] };
      // Only what encodeCursor writes: text PostgreSQL can compare, an ISO instant of years 0-9999.
      if (typeof raw === 'string' && !textProblem(raw) && (sort.type !== 'date' || /^\d{4}-\d{2}-\d{2}T/.test(raw))) {
        const value = sort.type === 'date' ? new Date(raw) : raw;
        if (!(value instanceof Date) || !Number.isNaN(value.getTime())) return { value, id: parsed[2] };
      }
    }
  } catch {
    // fall through to the error below
  }
  throw badInput('after is not a cursor of this list and ordering', 'after');
}

/** Prisma `orderBy` for the sort, id last. */
export function keysetOrderBy(sort: SortSpec): Record<string, unknown>[] {
  const first = sort.nullable ? { [sort.field]: { sort: sort.direction, nulls: 'last' } } : { [sort.field]: sort.direction };
  return [first, { id: sort.direction }];
}

/** Prisma `where` that selects the rows strictly after the cursor, in the sort's order. */
export function keysetAfter(sort: SortSpec, cursor: { value: unknown; id: string }): Record<string, unknown> {
  const beyond = sort.direction === 'asc' ? 'gt' : 'lt';
  if (cursor.value === null) return { [sort.field]: null, id: { [beyond]: cursor.id } };
  const branches: Record<string, unknown>[] = [
    { [sort.field]: { [beyond]: cursor.value } },
    { [sort.field]: cursor.value, id: { [beyond]: cursor.id } },
  ];
  if (sort.nullable) branches.push({ [sort.field]: null });
  return { OR: branches };
}

/**
 * Runs one page: `fetch` gets the where-addition, order and take (page size + 1 to learn whether
 * another page follows); `count` runs only if totalCount is selected.
 */
export async function paginate<T extends Row>(options: {
  args: PageArgs;
  sort: SortSpec;
  fetch: (q: { after: Record<string, unknown> | undefined; orderBy: Record<string, unknown>[]; take: number }) => Promise<T[]>;
  count: () => Promise<number>;
}): Promise<Connection<T>> {
  const size = pageSize(options.args.first);
  const cursor = options.args.after ? decodeCursor(options.sort, options.args.after) : undefined;
  const rows = size === 0 ? [] : await options.fetch({
    after: cursor ? keysetAfter(options.sort, cursor) : undefined,
    orderBy: keysetOrderBy(options.sort),
    take: size + 1,
  });
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ cursor: encodeCursor(options.sort, node), node }));
  let counted: Promise<number> | undefined;
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: Boolean(cursor),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => (counted ??= options.count()),
  };
}

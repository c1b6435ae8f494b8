// DataLoader batch functions run one query for many keys; these hand its rows back in the order of
// the keys, as DataLoader requires (one pass over the rows, not one scan per key).

/** The first row of each key, null where there is none. */
export function oneByKey<T>(keys: readonly string[], rows: readonly T[], key: (row: T) => string | null): (T | null)[] {
  const found = new Map<string, T>();
  for (const row of rows) {
    const k = key(row);
    if (k !== null && !found.has(k)) found.set(k, row);
  }
  return keys.map((k) => found.get(k) ?? null);
}

/** The row of each id, null where there is none. */
export function byId<T extends { id: string }>(ids: readonly string[], rows: readonly T[]): (T | null)[] {
  return oneByKey(ids, rows, (row) => row.id);
}

/** The rows of each key, in the rows' order; an empty list where there are none. */
export function manyByKey<T>(keys: readonly string[], rows: readonly T[], key: (row: T) => string | null): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    if (k === null) continue;
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return keys.map((k) => groups.get(k) ?? []);
}

// Small typed helpers for resolvers: references to entities another subgraph resolves, and the
// rows a non-null field must find.

/** A reference to an entity of another subgraph; the gateway resolves it there through `_entities`. */
export interface EntityReference<Typename extends string> {
  __typename: Typename;
  id: string;
}

/** A reference to the platform's `User` with this id (null when there is none). */
export function userRef(id: string): EntityReference<'User'>;
export function userRef(id: string | null | undefined): EntityReference<'User'> | null;
export function userRef(id: string | null | undefined): EntityReference<'User'> | null {
  return id ? { __typename: 'User', id } : null;
}

/**
 * The row a non-null field resolves to. A tenant-scoped loader finds nothing only when the data
 * broke an invariant (a dangling reference): that is an internal error, as GraphQL's own
 * "null for a non-null field" would be, with the field's name in the log.
 */
export async function existing<T>(row: Promise<T | null> | T | null, what: string): Promise<T> {
  const value = await row;
  if (value === null || value === undefined) throw new Error(`${what} not found for a non-null field`);
  return value;
}

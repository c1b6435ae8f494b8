// The one interface every search engine implements: PostgreSQL full-text search (default, the
// search subgraph's own schema) and OpenSearch (SEARCH_ENGINE=opensearch). The search service
// decides WHAT a caller may see (tenant, modules, permissions, access lists) and hands the engine a
// Visibility; the engine only matches, ranks, filters by that visibility, counts and pages.
// tests/search/engine.contract.test.ts runs one behaviour suite against every engine.

/** The contract's SearchType enum, in the contract's order. */
export const SEARCH_TYPES = [
  'CONTACT', 'LEAD', 'OPPORTUNITY', 'DOCUMENT', 'SPREADSHEET', 'PRESENTATION', 'FILE', 'EMAIL', 'CALENDAR_EVENT', 'EMPLOYEE', 'USER',
] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

/** The text fields of an indexed object, in ranking weight order (title counts most). */
export const SEARCH_FIELDS = ['title', 'subtitle', 'body'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

/** One object as indexed: a search hit is `{ type, id }`, resolved to the entity by its owner. */
export interface SearchDocument {
  tenantId: string;
  type: SearchType;
  /** The owning subgraph's id of the entity (a UUID). */
  id: string;
  /** Weight A: a name or title (contact name, document title, file name, mail subject...). */
  title: string;
  /** Weight B: identifying text (e-mail address, company, folder path, department...). */
  subtitle: string;
  /** Weight C: content (document text, cell text, slide text, mail body, description...). */
  body: string;
  /**
   * User ids that may open the object besides the module's readers: null = every caller allowed
   * by the type's module and permission; a list = only these users (owner, collaborators, share
   * recipients, mail participants), unless the caller is unrestricted for the type (an admin).
   */
  readers: string[] | null;
  /**
   * Readers whose access ends (a drive share with an expiry), besides `readers`: each may open the
   * object only while now < until. Checked at query time, so an expiry needs no event. Only with
   * a `readers` list; omitted = none.
   */
  expiring?: ExpiringReader[];
  /**
   * Position of the change this state comes from (the event's outbox seq, per source subgraph;
   * monotonic per object). An engine never replaces a newer state with an older one, and a
   * delete at position p is not undone by a write at a position <= p.
   */
  position: bigint;
  /** When the owner last changed it (ISO 8601); a tie-breaker of nothing, shown nowhere. */
  updatedAt: string;
}

export interface ExpiringReader {
  userId: string;
  /** ISO 8601 instant the access ends. */
  until: string;
}

/** Identifies one object in the index. */
export interface SearchKey {
  tenantId: string;
  type: SearchType;
  id: string;
}

/** What one caller may see, decided by the search service from the signed caller. */
export interface Visibility {
  tenantId: string;
  /** The caller's user id (matched against `readers`); null for API keys and OAuth clients. */
  userId: string | null;
  /** Types the caller may search at all (modules enabled, permissions held). Never empty in a query. */
  types: SearchType[];
  /** Of `types`, those whose access lists do not apply to the caller (e.g. office:admin). */
  unrestricted: SearchType[];
}

/** Keyset position after a hit: its score (rounded to SCORE_DECIMALS) and its `TYPE:id` key. */
export interface SearchAfter {
  score: number;
  key: string;
}

/** Scores are rounded to this many decimals by every engine, so a cursor compares exactly. */
export const SCORE_DECIMALS = 6;
export const roundScore = (score: number): number => Number(score.toFixed(SCORE_DECIMALS));
export const hitKey = (type: SearchType, id: string): string => `${type}:${id}`;

export interface SearchRequest {
  /** The user's words, as typed (trimmed, non-empty); the engine tokenizes. */
  text: string;
  visibility: Visibility;
  /** The contract's `types` filter (already intersected with visibility.types); counts and hits use it. */
  types: SearchType[];
  /** Page size (0..100); the engine returns at most this many hits. */
  first: number;
  after?: SearchAfter;
}

export interface SearchHighlight {
  field: SearchField;
  /** The field's best fragment with every matched term wrapped in <mark>…</mark>; other text HTML-escaped. */
  snippet: string;
}

export interface SearchHit {
  type: SearchType;
  id: string;
  /** Rounded with roundScore; higher is better. Hits come in (score desc, key asc) order. */
  score: number;
  key: string;
  highlights: SearchHighlight[];
}

export interface SearchResult {
  hits: SearchHit[];
  /** Matches of `types` the caller may see (all pages). */
  totalCount: number;
  /** Matches per type over every type of visibility.types (ignoring the `types` filter), zero counts omitted. */
  facets: { type: SearchType; count: number }[];
  hasNextPage: boolean;
}

export interface SuggestRequest {
  /** The start of what the user is typing (trimmed, non-empty). */
  prefix: string;
  visibility: Visibility;
  first: number;
}

export interface Suggestion {
  /** The completed title. */
  text: string;
  type: SearchType;
  id: string;
}

/** One change to the index, as the indexer derives it from an event (indexer.ts, operationsOf). */
export type IndexOperation =
  | { kind: 'index'; document: SearchDocument }
  | { kind: 'delete'; key: SearchKey; position: bigint }
  | { kind: 'readers'; key: SearchKey; readers: string[] | null; expiring: ExpiringReader[]; position: bigint }
  /** The user was removed from the tenant: out of every access list. */
  | { kind: 'removeReader'; tenantId: string; userId: string };

export interface SearchEngine {
  readonly name: 'postgres' | 'opensearch';
  /** Creates what the engine needs (indices, templates); idempotent. PostgreSQL: nothing (migrations). */
  init(): Promise<void>;
  /**
   * Writes these states. Per object, only a state whose position is newer than the stored one (or
   * than the object's deletion) is applied, so replays and out-of-order duplicates are harmless.
   * Searchable when the promise resolves (OpenSearch: refresh the affected shards).
   */
  index(documents: SearchDocument[]): Promise<void>;
  /**
   * Applies a run of operations (a batch of events, in event order) with the same guards as the
   * single calls below, as few writes as the engine can, and one refresh: searchable when it
   * resolves. A failure may leave part applied; applying the run again is harmless (positions).
   */
  apply(operations: IndexOperation[]): Promise<void>;
  /** Removes objects as of `position`; a later index() with position <= it is ignored. */
  delete(keys: SearchKey[], position: bigint): Promise<void>;
  /** Replaces the readers (and expiring readers) of one object without touching its text (a share added or removed). */
  setReaders(key: SearchKey, readers: string[] | null, position: bigint, expiring?: ExpiringReader[]): Promise<void>;
  /** Removes a user from every access list of the tenant, expiring ones included (the user was removed). */
  removeReader(tenantId: string, userId: string): Promise<void>;
  search(request: SearchRequest): Promise<SearchResult>;
  suggest(request: SuggestRequest): Promise<Suggestion[]>;
  /** Forgets everything of the tenant (before a reindex, or when the tenant is removed). */
  dropTenant(tenantId: string): Promise<void>;
  /** Objects indexed for the tenant (all types); for reindex reports and tests. */
  count(tenantId: string): Promise<number>;
  /** Answers when the engine is reachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

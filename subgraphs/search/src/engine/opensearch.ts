// The OpenSearch engine (SEARCH_ENGINE=opensearch): the same contract as the PostgreSQL engine
// (tests/search/engine.contract.test.ts runs one suite against both), on an OpenSearch 2.x node
// through @opensearch-project/opensearch.
//
// Layout: ONE index for every tenant, each document routed by its tenant id (so a tenant lives on
// one shard and its queries touch only that shard) and every read and write scoped by a tenant
// filter as well. An index per tenant would cost a shard's heap per tenant (50 tenants in the
// benchmark, thousands in production) on a node that has 512 MB; with routing + filter, isolation
// rests on one private function (scope) that every request goes through, `_routing` is required
// by the mapping (a write without it fails), and document ids carry the tenant too.
//
// Ordering: each document keeps the position of the change it reflects. Writes are scripted
// upserts that apply only a newer position, and a delete leaves a tombstone (deleted: true) at its
// position, so a replayed or late write never resurrects or rolls back an object; OpenSearch's own
// delete tombstones would be forgotten after index.gc_deletes (60 s).
//
// Matching: every query word must match, each as a prefix (edge n-grams of title, subtitle and
// body, folded: lower case, no accents) or whole, or, in titles and subtitles (where the
// PostgreSQL engine matches typos too), as a misspelt word by shared trigrams as pg_trgm matches.
// Scoring is Lucene's `boolean` similarity: a matching clause scores its boost (title 3, subtitle
// 2, body 1, half for each further field; a trigram match 0.25), with no index-wide statistics, so
// another tenant's documents never move a score. Those are multiples of 1/8, so every score is
// exact in a float: the float the node sorts on is exactly what a cursor gives back (search_after
// with the `TYPE:id` key as the tiebreaker).
import { Client } from '@opensearch-project/opensearch';
import {
  SEARCH_TYPES, hitKey, roundScore, type ExpiringReader, type IndexOperation, type SearchDocument, type SearchEngine, type SearchField, type SearchHighlight,
  type SearchKey, type SearchRequest, type SearchResult, type SearchType, type SuggestRequest, type Suggestion, type Visibility,
} from './engine';
import { queryTerms, snippet } from './text';

/** The index every tenant shares (routing + filter by tenant). A change of INDEX_BODY's analysis
 * needs a new name (v4) and a reindex: an open index keeps its analyzers. v2: words split as
 * queryTerms splits a query (v1's standard tokenizer kept `a@example.com` and `example.com` whole,
 * so an e-mail address typed whole found nothing). v3: scores from the document alone (a painless
 * scripted similarity). v4: the same property from the built-in `boolean` similarity, typos by
 * trigrams only: about half a search's time (measured side by side; README, "Search"). */
export const DEFAULT_INDEX = 'bacbos-search-v4';

const TEXT_FIELDS: readonly SearchField[] = ['title', 'subtitle', 'body'];
/** The fields misspellings are matched in (trigrams), as in the PostgreSQL engine. */
const NAME_FIELDS = ['title', 'subtitle'] as const;
/**
 * Relative weights of the fields, as the PostgreSQL engine's A/B/C. Every boost and tie-breaker is
 * a multiple of 1/8: a score, a sum of them, is then exact in a float (and within SCORE_DECIMALS),
 * so the score the node sorts on is the one a cursor gives back, with no rounding script.
 */
const BOOST: Record<SearchField, number> = { title: 3, subtitle: 2, body: 1 };
/** Longest prefix the index holds n-grams for; a longer word still matches whole (or misspelt, in names). */
const MAX_PREFIX = 20;
/**
 * Misspelt words ("Lovleace", "Zefirine" for "Zéphyrine") match by shared trigrams of the title
 * and subtitle words, as pg_trgm does in the PostgreSQL engine: words padded as pg_trgm pads them
 * (two marks before, one after: "__z", "_ze", ..., "ne_"), and a query word of at least
 * TRIGRAM_MIN_LENGTH letters (the PostgreSQL engine's TYPO_MIN_LENGTH) needs 46% of its trigrams
 * (`-54%` rounds the missing ones down), about pg_trgm's similarity threshold 0.3.
 */
const TRIGRAM_MIN_LENGTH = 4;
const TRIGRAM_SHARE = '-54%';
/** What a trigram match adds to a word's score (a constant, however many trigrams): below any prefix or whole-word match. */
const TRIGRAM_BOOST = 0.25;
/** Characters of the body around its best match in a highlight. */
const BODY_FRAGMENT = 160;

/**
 * The similarity of every text field: `boolean`, a match scores the query's boost. BM25 would use
 * index-wide statistics (how many documents hold a term, average field length), and every tenant
 * shares the index: another tenant's documents would move a tenant's scores (a side channel on
 * their words, and cursors that drift between two pages when anyone writes). No term frequencies
 * or lengths are needed either, so none are indexed (`index_options: docs`, no norms).
 */
const textField = {
  type: 'text',
  analyzer: 'folded',
  similarity: 'boolean',
  norms: false,
  fields: { prefix: { type: 'text', analyzer: 'folded_prefix', search_analyzer: 'folded', similarity: 'boolean', norms: false, index_options: 'docs' } },
} as const;
/** Title and subtitle: also trigrams, for misspellings. */
const nameField = { ...textField, fields: { ...textField.fields, trigram: { type: 'text', analyzer: 'folded_trigrams', similarity: 'boolean', norms: false, index_options: 'docs' } } } as const;

/** Added to an index created before it by `init` (put mapping: an added field needs no reindex). */
const EXPIRING_MAPPING = { type: 'nested', properties: { user: { type: 'keyword' }, until: { type: 'date' } } } as const;

/** Settings and mappings of the index; `init` creates it with these. */
export const INDEX_BODY = {
  settings: {
    number_of_shards: 1,
    // 0 replicas on one node (green), 1 as soon as a second node joins.
    auto_expand_replicas: '0-1',
    analysis: {
      filter: {
        prefix_grams: { type: 'edge_ngram', min_gram: 1, max_gram: MAX_PREFIX },
      },
      // Each word padded as pg_trgm pads it (`__` before, `_` after), then cut into trigrams by a
      // tokenizer: an n-gram tokenizer gives every trigram its own position, so a query's
      // minimum_should_match counts trigrams (an n-gram filter would stack them as synonyms).
      char_filter: { trigram_pad: { type: 'pattern_replace', pattern: '([\\p{L}\\p{N}]+)', replacement: '__$1_' } },
      tokenizer: {
        trigrams: { type: 'ngram', min_gram: 3, max_gram: 3, token_chars: ['letter', 'digit', 'custom'], custom_token_chars: '_' },
        // Words are runs of letters and digits, as text.ts's queryTerms cuts a query: every query word
        // then has a counterpart in the index (`ana@example.com` is ana, example, com on both sides).
        words: { type: 'pattern', pattern: '[^\\p{L}\\p{N}\\p{M}]+' },
      },
      analyzer: {
        folded: { type: 'custom', tokenizer: 'words', filter: ['lowercase', 'asciifolding'] },
        folded_prefix: { type: 'custom', tokenizer: 'words', filter: ['lowercase', 'asciifolding', 'prefix_grams'] },
        folded_trigrams: { type: 'custom', char_filter: ['trigram_pad'], tokenizer: 'trigrams', filter: ['lowercase', 'asciifolding'] },
      },
    },
  },
  mappings: {
    dynamic: 'strict',
    _routing: { required: true },
    properties: {
      tenantId: { type: 'keyword' },
      type: { type: 'keyword' },
      id: { type: 'keyword' },
      /** `TYPE:id`: the tiebreaker of the ranking and of the cursor. */
      key: { type: 'keyword' },
      title: { ...nameField, fields: { ...nameField.fields, sort: { type: 'keyword', ignore_above: 256 } } },
      titleLength: { type: 'integer' },
      subtitle: nameField,
      body: textField,
      /** false: every caller the type's module and permission allow; true: only `readers`. */
      restricted: { type: 'boolean' },
      readers: { type: 'keyword' },
      /** Readers whose access ends: each matches only while now < until (a nested pair, so both hold for one reader). */
      expiring: EXPIRING_MAPPING,
      deleted: { type: 'boolean' },
      position: { type: 'long' },
      updatedAt: { type: 'date' },
    },
  },
} as const;

// Painless, compiled once per node. A stored state is replaced only by a newer position.
const WRITE_IF_NEWER = `
  if (ctx._source.position != null && ctx._source.position >= params.doc.position) { ctx.op = 'none'; }
  else { ctx._source.clear(); ctx._source.putAll(params.doc); }`;
const SET_READERS_IF_NEWER = `
  if (ctx._source.deleted == true || ctx._source.position >= params.position) { ctx.op = 'none'; }
  else { ctx._source.restricted = params.restricted; ctx._source.readers = params.readers; ctx._source.expiring = params.expiring; ctx._source.position = params.position; }`;
const REMOVE_READER = `ctx._source.readers.removeIf(r -> r == params.userId);
  if (ctx._source.expiring != null) { ctx._source.expiring.removeIf(g -> g.user == params.userId); }`;

/** Writes racing on one document (two indexer replicas) retry this often on the node. */
const RETRY_ON_CONFLICT = 5;
/** Passes of an update/delete-by-query until no document was skipped for a concurrent write. */
const BY_QUERY_PASSES = 10;

type Query = Record<string, unknown>;

/** The stored fields a hit or a suggestion reads back. */
interface Source {
  type: SearchType;
  id: string;
  title: string;
  subtitle: string;
}

/** One bulk action: its metadata line and its body line. */
interface BulkAction {
  meta: Record<string, unknown>;
  body: Record<string, unknown>;
  /** A 404 (document missing) is not a failure: an access list for an object not indexed yet. */
  missingIsFine: boolean;
}

interface BulkItem {
  status: number;
  error?: { type: string; reason?: string };
}

export interface OpenSearchEngineOptions {
  /** The index to use (tests use their own); DEFAULT_INDEX otherwise. */
  index?: string;
}

const positionOf = (position: bigint): number => {
  const n = Number(position);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`search position ${position} is outside 0..2^53`);
  return n;
};

export class OpenSearchEngine implements SearchEngine {
  readonly name = 'opensearch' as const;
  /** The index this engine reads and writes. */
  readonly indexName: string;
  private readonly client: Client;

  constructor(url: string, options: OpenSearchEngineOptions = {}) {
    this.indexName = options.index ?? DEFAULT_INDEX;
    this.client = new Client({ node: url, requestTimeout: 30_000, maxRetries: 2 });
  }

  async init(): Promise<void> {
    const exists = await this.client.indices.exists({ index: this.indexName });
    if (exists.body) {
      // An index of an earlier version: add the fields since (idempotent when present).
      await this.client.indices.putMapping({ index: this.indexName, body: { properties: { expiring: EXPIRING_MAPPING } } });
      return;
    }
    try {
      await this.client.indices.create({ index: this.indexName, body: INDEX_BODY as unknown as Record<string, unknown>, wait_for_active_shards: 1 });
    } catch (error) {
      // Another replica created it first.
      if (errorType(error) !== 'resource_already_exists_exception') throw error;
    }
  }

  /** Routing and the tenant filter: every request of this engine goes through here. */
  private static scope(tenantId: string): { routing: string; filter: Query } {
    return { routing: tenantId, filter: { term: { tenantId } } };
  }

  private static docId(tenantId: string, type: SearchType, id: string): string {
    return `${tenantId}:${type}:${id}`;
  }

  /** The bulk action pair writing this state with WRITE_IF_NEWER (an upsert: creates it when absent). */
  private writeAction(tenantId: string, type: SearchType, id: string, doc: Record<string, unknown>): BulkAction {
    return {
      meta: { update: { _index: this.indexName, _id: OpenSearchEngine.docId(tenantId, type, id), routing: OpenSearchEngine.scope(tenantId).routing, retry_on_conflict: RETRY_ON_CONFLICT } },
      body: { scripted_upsert: true, upsert: {}, script: { lang: 'painless', source: WRITE_IF_NEWER, params: { doc } } },
      missingIsFine: false,
    };
  }

  private static indexedDoc(d: SearchDocument): Record<string, unknown> {
    return {
      tenantId: d.tenantId, type: d.type, id: d.id, key: hitKey(d.type, d.id),
      title: d.title, titleLength: d.title.length, subtitle: d.subtitle, body: d.body,
      restricted: d.readers !== null, readers: d.readers ?? [], expiring: expiringOf(d.readers, d.expiring), deleted: false,
      position: positionOf(d.position), updatedAt: d.updatedAt,
    };
  }

  private static tombstone(k: SearchKey, position: bigint): Record<string, unknown> {
    return {
      tenantId: k.tenantId, type: k.type, id: k.id, key: hitKey(k.type, k.id), title: '', titleLength: 0, subtitle: '', body: '',
      restricted: true, readers: [], expiring: [], deleted: true, position: positionOf(position), updatedAt: new Date().toISOString(),
    };
  }

  /**
   * Sends the actions as one bulk request. The node applies a bulk's actions on one document in
   * order (one shard, one tenant); every action is guarded by its position anyway. `refresh`: make
   * the shards written searchable before answering (once per bulk, not per document).
   */
  private async bulk(actions: BulkAction[], refresh: boolean): Promise<void> {
    if (!actions.length) return;
    const { body: result } = await this.client.bulk({ body: actions.flatMap((a) => [a.meta, a.body]), refresh });
    if (!result.errors) return;
    const failures = (result.items as Record<string, BulkItem>[]).map((item, i) => ({ item: Object.values(item)[0], action: actions[i] }))
      // A share of an object not indexed yet: its first state brings its readers.
      .filter(({ item, action }) => item.error && !(action.missingIsFine && item.status === 404));
    if (failures.length) {
      const { error } = failures[0].item;
      throw new Error(`OpenSearch refused ${failures.length} of ${actions.length} writes: ${error!.type}: ${error!.reason ?? ''}`);
    }
  }

  /**
   * A batch of operations in as few requests as possible: one bulk for the run of writes (states,
   * tombstones, access lists) between two removals of a user (an update-by-query each), and one
   * refresh per bulk. Searchable when it resolves.
   */
  async apply(operations: IndexOperation[]): Promise<void> {
    let actions: BulkAction[] = [];
    let refreshed = true;
    for (const op of operations) {
      if (op.kind === 'index') actions.push(this.writeAction(op.document.tenantId, op.document.type, op.document.id, OpenSearchEngine.indexedDoc(op.document)));
      else if (op.kind === 'delete') actions.push(this.writeAction(op.key.tenantId, op.key.type, op.key.id, OpenSearchEngine.tombstone(op.key, op.position)));
      else if (op.kind === 'readers') actions.push(this.readersAction(op.key, op.readers, op.position, op.expiring));
      else {
        // Not a document write: what came before goes first, refreshed, as an update-by-query
        // finds its documents by searching (and its own refresh covers what it changed).
        await this.bulk(actions, true);
        actions = [];
        await this.removeReader(op.tenantId, op.userId);
        refreshed = true;
        continue;
      }
      refreshed = false;
    }
    if (!refreshed) await this.bulk(actions, true);
  }

  async index(documents: SearchDocument[]): Promise<void> {
    await this.apply(documents.map((document) => ({ kind: 'index', document })));
  }

  async delete(keys: SearchKey[], position: bigint): Promise<void> {
    await this.apply(keys.map((key) => ({ kind: 'delete', key, position })));
  }

  private readersAction(key: SearchKey, readers: string[] | null, position: bigint, expiring: ExpiringReader[]): BulkAction {
    return {
      meta: { update: { _index: this.indexName, _id: OpenSearchEngine.docId(key.tenantId, key.type, key.id), routing: OpenSearchEngine.scope(key.tenantId).routing, retry_on_conflict: RETRY_ON_CONFLICT } },
      body: { script: { lang: 'painless', source: SET_READERS_IF_NEWER, params: { restricted: readers !== null, readers: readers ?? [], expiring: expiringOf(readers, expiring), position: positionOf(position) } } },
      missingIsFine: true,
    };
  }

  async setReaders(key: SearchKey, readers: string[] | null, position: bigint, expiring: ExpiringReader[] = []): Promise<void> {
    await this.apply([{ kind: 'readers', key, readers, position, expiring }]);
  }

  /** Runs an update- or delete-by-query over one tenant until no document was skipped for a concurrent write. */
  private async byQuery(tenantId: string, query: Query, script?: { source: string; params: Record<string, unknown> }): Promise<void> {
    const { routing, filter } = OpenSearchEngine.scope(tenantId);
    const request = { index: this.indexName, routing, refresh: true, conflicts: 'proceed' as const, body: { query: { bool: { filter: [filter, query] } } } };
    for (let pass = 0; pass < BY_QUERY_PASSES; pass++) {
      // Both answer a BulkByScrollResponse (the client types the update's as a task too).
      const { body } = (script
        ? await this.client.updateByQuery({ ...request, body: { ...request.body, script: { lang: 'painless', ...script } } })
        : await this.client.deleteByQuery(request)) as { body: { failures?: unknown[]; version_conflicts?: number } };
      if (body.failures?.length) throw new Error(`OpenSearch ${script ? 'update' : 'delete'}-by-query failed: ${JSON.stringify(body.failures[0])}`);
      if (!body.version_conflicts) return;
    }
    throw new Error(`OpenSearch ${script ? 'update' : 'delete'}-by-query still met concurrent writes after ${BY_QUERY_PASSES} passes`);
  }

  async removeReader(tenantId: string, userId: string): Promise<void> {
    const holds = { bool: { should: [{ term: { readers: userId } }, { nested: { path: 'expiring', query: { term: { 'expiring.user': userId } } } }], minimum_should_match: 1 } };
    await this.byQuery(tenantId, holds, { source: REMOVE_READER, params: { userId } });
  }

  async dropTenant(tenantId: string): Promise<void> {
    await this.byQuery(tenantId, { match_all: {} });
  }

  /** The filter on these types; none when they are every type (a terms query costs a pass over its postings). */
  private static ofTypes(types: SearchType[]): Query[] {
    return SEARCH_TYPES.every((t) => types.includes(t)) ? [] : [{ terms: { type: types } }];
  }

  /** What the caller may see: the tenant, live objects, the types they may search, the access lists. */
  private static visible(v: Visibility, types: SearchType[]): Query[] {
    const access: Query[] = [{ term: { restricted: false } }];
    if (v.unrestricted.length) access.push({ terms: { type: v.unrestricted } });
    if (v.userId) {
      access.push({ term: { readers: v.userId } });
      // Compared with the node's clock per request: an expired share stops matching without an event.
      access.push({ nested: { path: 'expiring', query: { bool: { filter: [{ term: { 'expiring.user': v.userId } }, { range: { 'expiring.until': { gt: 'now' } } }] } } } });
    }
    return [
      OpenSearchEngine.scope(v.tenantId).filter,
      { term: { deleted: false } },
      ...OpenSearchEngine.ofTypes(types),
      { bool: { should: access, minimum_should_match: 1 } },
    ];
  }

  /**
   * Every word must match somewhere: as a prefix or whole (the body's whole words too, for words
   * longer than the n-grams), or in a title or subtitle as a misspelt word by shared trigrams, as
   * the PostgreSQL engine matches typos (names only, words from 4 letters). No fuzzy query: its
   * expansion over the shared term dictionary was a third of a search's time (profiled).
   */
  private static wordClauses(terms: string[]): Query[] {
    return terms.map((term) => ({
      bool: {
        should: [
          // The best field counts whole, each other matching field half: a word in the title and the body ranks above one in the title only.
          { multi_match: { query: term, type: 'best_fields', tie_breaker: 0.5, fields: [...TEXT_FIELDS.map((f) => `${f}.prefix^${BOOST[f]}`), `body^${BOOST.body}`] } },
          // top_terms_boost: a misspelt word scores by its edit distance, not by index-wide term counts.
          // Ranked below a prefix or whole word, whatever the number of shared trigrams: the looser match.
          ...(term.length >= TRIGRAM_MIN_LENGTH
            ? [{ constant_score: { boost: TRIGRAM_BOOST, filter: { multi_match: { query: term, type: 'best_fields', fields: NAME_FIELDS.map((f) => `${f}.trigram`), minimum_should_match: TRIGRAM_SHARE } } } }]
            : []),
        ],
        minimum_should_match: 1,
      },
    }));
  }

  /**
   * Marks, in the body, the words that matched: those a query word is a prefix of (or equals), in
   * the best fragment. Titles and subtitles are marked from their text here instead
   * (text.ts, as the PostgreSQL engine does), since their trigram matches are words no single
   * highlight query of the node finds.
   */
  private static bodyHighlight(terms: string[]): Query {
    return {
      pre_tags: ['<mark>'], post_tags: ['</mark>'], encoder: 'html', type: 'unified', require_field_match: true,
      fields: {
        body: {
          number_of_fragments: 1, fragment_size: BODY_FRAGMENT,
          highlight_query: { bool: { should: terms.map((term) => ({ prefix: { body: term } })) } },
        },
      },
    };
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    const empty: SearchResult = { hits: [], totalCount: 0, facets: [], hasNextPage: false };
    const v = request.visibility;
    const terms = queryTerms(request.text);
    if (!terms.length || !v.types.length) return empty;
    const types = request.types.filter((t) => v.types.includes(t));
    const page = types.length && request.first > 0 ? request.first : 0;
    const { body } = await this.client.search({
      index: this.indexName,
      routing: OpenSearchEngine.scope(v.tenantId).routing,
      body: {
        query: { bool: { filter: OpenSearchEngine.visible(v, v.types), must: OpenSearchEngine.wordClauses(terms) } },
        // Facets count every searchable type; the hits and the total only the `types` asked for.
        aggs: { types: { terms: { field: 'type', size: SEARCH_TYPES.length } } },
        ...(OpenSearchEngine.ofTypes(types).length ? { post_filter: OpenSearchEngine.ofTypes(types)[0] } : {}),
        sort: [{ _score: { order: 'desc' } }, { key: { order: 'asc' } }],
        ...(request.after && page ? { search_after: [request.after.score, request.after.key] } : {}),
        size: page ? page + 1 : 0,
        track_total_hits: false,
        _source: ['type', 'id', 'title', 'subtitle'],
        ...(page ? { highlight: OpenSearchEngine.bodyHighlight(terms) } : {}),
      } as Record<string, unknown>,
    });
    const buckets = (body.aggregations?.types as { buckets?: { key: string; doc_count: number }[] } | undefined)?.buckets ?? [];
    const facets = SEARCH_TYPES.flatMap((type) => {
      const count = buckets.find((b) => b.key === type)?.doc_count ?? 0;
      return count ? [{ type, count }] : [];
    });
    const totalCount = facets.filter((f) => types.includes(f.type)).reduce((n, f) => n + f.count, 0);
    if (!page) return { ...empty, facets, totalCount, hasNextPage: totalCount > 0 && request.first === 0 && !!types.length };
    const rows = body.hits.hits;
    const hits = rows.slice(0, page).map((row) => {
      const source = row._source as Source;
      const highlights: SearchHighlight[] = [];
      for (const field of ['title', 'subtitle'] as const) {
        const marked = snippet(source[field], terms);
        if (marked) highlights.push({ field, snippet: marked });
      }
      const bodyFragment = (row.highlight as { body?: string[] } | undefined)?.body?.[0];
      if (bodyFragment) highlights.push({ field: 'body', snippet: bodyFragment });
      return { type: source.type, id: source.id, key: hitKey(source.type, source.id), score: roundScore(Number(row.sort![0])), highlights };
    });
    return { hits, totalCount, facets, hasNextPage: rows.length > page };
  }

  async suggest(request: SuggestRequest): Promise<Suggestion[]> {
    const v = request.visibility;
    const terms = queryTerms(request.prefix);
    if (!terms.length || !v.types.length || request.first <= 0) return [];
    // Title words only, every word as a prefix; shorter titles first. Nothing is scored (a filter):
    // with a match per word worth the same, the order is the titles' length, as in PostgreSQL.
    const { body } = await this.client.search({
      index: this.indexName,
      routing: OpenSearchEngine.scope(v.tenantId).routing,
      body: {
        query: { bool: { filter: [...OpenSearchEngine.visible(v, v.types), { match: { 'title.prefix': { query: terms.join(' '), operator: 'and' } } }] } },
        sort: [{ titleLength: { order: 'asc' } }, { 'title.sort': { order: 'asc' } }, { key: { order: 'asc' } }],
        size: request.first,
        track_total_hits: false,
        _source: ['type', 'id', 'title'],
      } as Record<string, unknown>,
    });
    return body.hits.hits.map((row) => {
      const source = row._source as Source;
      return { text: source.title, type: source.type, id: source.id };
    });
  }

  async count(tenantId: string): Promise<number> {
    const { routing, filter } = OpenSearchEngine.scope(tenantId);
    const { body } = await this.client.count({ index: this.indexName, routing, body: { query: { bool: { filter: [filter, { term: { deleted: false } }] } } } });
    return body.count;
  }

  async ping(): Promise<void> {
    await this.client.cluster.health({ index: this.indexName, wait_for_status: 'yellow', timeout: '2s' });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** The `expiring` field: `{ user, until }` pairs, only with an access list. */
const expiringOf = (readers: string[] | null, expiring: ExpiringReader[] | undefined): { user: string; until: string }[] =>
  readers !== null && expiring ? expiring.map((r) => ({ user: r.userId, until: new Date(r.until).toISOString() })) : [];

/** The OpenSearch error type of a failed request (`resource_already_exists_exception`...). */
function errorType(error: unknown): string | undefined {
  const meta = (error as { meta?: { body?: { error?: { type?: string } } } }).meta;
  return meta?.body?.error?.type;
}

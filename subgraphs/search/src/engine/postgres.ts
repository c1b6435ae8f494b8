// The default engine: PostgreSQL full-text search in the search subgraph's own schema
// (search.entries, prisma/search/migrations): a weighted tsvector (title A, subtitle B, body C)
// under a GIN index for words and prefixes, pg_trgm word similarity over titles for typos, and
// unaccent folding on both sides. Reads go through the application pool (bacbos_app, row-level
// security on the caller's tenant); writes through the owner's pool, each under its tenant.
import type { Pool } from 'pg';
import { withTenant } from '@bacbos/common';
import {
  SEARCH_TYPES, hitKey, roundScore, type ExpiringReader, type SearchAfter, type SearchDocument, type SearchEngine, type SearchKey, type SearchRequest, type SearchResult,
  type SearchType, type SuggestRequest, type Suggestion, type Visibility,
} from './engine';
import { TYPO_SIMILARITY, highlightsOf, prefixTsQuery, queryTerms } from './text';

/** Start-up options of every connection of both pools: the typo threshold of pg_trgm's `<%` operator. */
export const TRIGRAM_OPTIONS = `-c pg_trgm.word_similarity_threshold=${TYPO_SIMILARITY}`;

interface HitRow {
  type: SearchType;
  id: string;
  title: string;
  subtitle: string;
  body: string;
  score: string;
  key: string;
}

export class PostgresEngine implements SearchEngine {
  readonly name = 'postgres' as const;

  /** `read`: the application pool (tenant from the request); `write`: the owner's pool (indexer); both tenant-scoped. */
  constructor(private readonly pools: { read: Pool; write: Pool }) {}

  async init(): Promise<void> {}

  /**
   * One statement per tenant through the owner's tenant-scoped pool: app.tenant_id is set on the
   * connection (only when it differs from what the connection has), so row-level security admits
   * the rows, and each write is a single autocommitted statement: one round trip per event.
   */
  private async perTenant<T extends { tenantId: string }>(items: T[], write: (db: Pool, rows: T[]) => Promise<unknown>): Promise<void> {
    const byTenant = new Map<string, T[]>();
    for (const item of items) byTenant.set(item.tenantId, [...(byTenant.get(item.tenantId) ?? []), item]);
    for (const [tenantId, rows] of byTenant) await withTenant(tenantId, () => write(this.pools.write, rows));
  }

  async index(documents: SearchDocument[]): Promise<void> {
    if (!documents.length) return;
    await this.perTenant(documents, async (db, rows) => {
      // One statement for the batch; per key only the newest position of the batch is offered.
      const newest = new Map<string, SearchDocument>();
      for (const d of rows) {
        const k = hitKey(d.type, d.id);
        const seen = newest.get(k);
        if (!seen || seen.position < d.position) newest.set(k, d);
      }
      const batch = [...newest.values()];
      await db.query(
        `INSERT INTO search.entries AS e (tenant_id, type, id, title, subtitle, body, readers, reader_until, position, deleted, changed_at)
         SELECT r.tenant_id, r.type, r.id, r.title, r.subtitle, r.body,
                CASE WHEN r.readers IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(r.readers)::uuid) END,
                r.reader_until, r.position, false, r.changed_at
           FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id uuid, type text, id uuid, title text, subtitle text, body text, readers jsonb, reader_until jsonb, position bigint, changed_at timestamptz)
         ON CONFLICT (tenant_id, type, id) DO UPDATE
           SET title = EXCLUDED.title, subtitle = EXCLUDED.subtitle, body = EXCLUDED.body, readers = EXCLUDED.readers, reader_until = EXCLUDED.reader_until,
               position = EXCLUDED.position, deleted = false, changed_at = EXCLUDED.changed_at
           WHERE e.position < EXCLUDED.position`,
        [JSON.stringify(batch.map((d) => ({
          tenant_id: d.tenantId, type: d.type, id: d.id, title: clean(d.title), subtitle: clean(d.subtitle), body: clean(d.body),
          readers: d.readers, reader_until: untilOf(d.readers, d.expiring), position: d.position.toString(), changed_at: d.updatedAt,
        })))],
      );
    });
  }

  async delete(keys: SearchKey[], position: bigint): Promise<void> {
    if (!keys.length) return;
    await this.perTenant(keys, async (db, rows) => {
      await db.query(
        `INSERT INTO search.entries AS e (tenant_id, type, id, position, deleted, changed_at)
         SELECT r.tenant_id, r.type, r.id, $2::bigint, true, now() FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id uuid, type text, id uuid)
         ON CONFLICT (tenant_id, type, id) DO UPDATE
           SET title = '', subtitle = '', body = '', readers = NULL, reader_until = NULL, position = EXCLUDED.position, deleted = true
           WHERE e.position < EXCLUDED.position`,
        [JSON.stringify(rows.map((k) => ({ tenant_id: k.tenantId, type: k.type, id: k.id }))), position.toString()],
      );
    });
  }

  async setReaders(key: SearchKey, readers: string[] | null, position: bigint, expiring: ExpiringReader[] = []): Promise<void> {
    await this.perTenant([key], async (db) => {
      await db.query(
        `UPDATE search.entries SET readers = $4::uuid[], reader_until = $6::jsonb, position = $5::bigint
          WHERE tenant_id = $1 AND type = $2 AND id = $3 AND position < $5::bigint AND NOT deleted`,
        [key.tenantId, key.type, key.id, readers, position.toString(), jsonOrNull(untilOf(readers, expiring))],
      );
    });
  }

  async removeReader(tenantId: string, userId: string): Promise<void> {
    await this.perTenant([{ tenantId }], async (db) => {
      await db.query(
        `UPDATE search.entries SET readers = array_remove(readers, $2::uuid), reader_until = NULLIF(reader_until - $2::text, '{}'::jsonb)
          WHERE tenant_id = $1 AND (readers @> ARRAY[$2::uuid] OR reader_until ? $2::text)`,
        [tenantId, userId],
      );
    });
  }

  /** The WHERE clause of what the caller may see and what the words match; $1..$6 are bound by visibleMatches(). */
  private static readonly MATCHES = `
    FROM search.entries e, (SELECT to_tsquery('simple', search.fold($2)) AS tsq, search.fold($3) AS fq) q
    WHERE e.tenant_id = $1::uuid AND NOT e.deleted AND e.type = ANY($4::text[])
      AND (e.readers IS NULL OR e.type = ANY($5::text[]) OR e.readers @> ARRAY[$6::uuid] OR (e.reader_until ->> $6::text)::timestamptz > now())
      AND (e.document @@ q.tsq OR q.fq <% e.words)`;

  /** One page in (score desc, key asc) order after the search-after position ($7, $8), $9 rows. */
  private static readonly PAGE = `SELECT * FROM (
         SELECT e.type, e.id, e.title, e.subtitle, left(e.body, 20000) AS body, e.type || ':' || e.id AS key,
                round((ts_rank('{0.1, 0.2, 0.4, 1.0}', e.document, q.tsq) + 0.3 * word_similarity(q.fq, e.words))::numeric, 6) AS score
         ${PostgresEngine.MATCHES}) hits
       WHERE $7::numeric IS NULL OR score < $7::numeric OR (score = $7::numeric AND key > $8::text)
       ORDER BY score DESC, key ASC LIMIT $9`;

  private static params(text: string, v: Visibility, types: SearchType[]): unknown[] | null {
    const terms = queryTerms(text);
    if (!terms.length) return null;
    return [v.tenantId, prefixTsQuery(terms), terms.join(' '), types, v.unrestricted, v.userId];
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    const empty: SearchResult = { hits: [], totalCount: 0, facets: [], hasNextPage: false };
    const types = request.types.filter((t) => request.visibility.types.includes(t));
    const facetParams = PostgresEngine.params(request.text, request.visibility, request.visibility.types);
    if (!facetParams || !request.visibility.types.length) return empty;
    // The counts and the page run at once, on two connections.
    const after: SearchAfter | undefined = request.after;
    const wantsPage = types.length > 0 && request.first > 0;
    const pageParams = wantsPage ? [...(PostgresEngine.params(request.text, request.visibility, types) as unknown[]), after ? after.score : null, after ? after.key : null, request.first + 1] : [];
    const [facetResult, pageResult] = await Promise.all([
      this.pools.read.query<{ type: SearchType; count: string }>(`SELECT e.type, count(*) AS count ${PostgresEngine.MATCHES} GROUP BY e.type`, facetParams),
      wantsPage ? this.pools.read.query<HitRow>(PostgresEngine.PAGE, pageParams) : Promise.resolve({ rows: [] as HitRow[] }),
    ]);
    const facetRows = facetResult.rows;
    const facets = SEARCH_TYPES.flatMap((type) => {
      const count = Number(facetRows.find((r) => r.type === type)?.count ?? 0);
      return count ? [{ type, count }] : [];
    });
    const totalCount = facets.filter((f) => types.includes(f.type)).reduce((n, f) => n + f.count, 0);
    if (!wantsPage || totalCount === 0) return { ...empty, facets, totalCount, hasNextPage: totalCount > 0 && request.first === 0 && types.length > 0 };
    const rows = pageResult.rows;
    const terms = queryTerms(request.text);
    const hits = rows.slice(0, request.first).map((r) => ({
      type: r.type, id: r.id, key: r.key, score: roundScore(Number(r.score)), highlights: highlightsOf(r, terms),
    }));
    return { hits, totalCount, facets, hasNextPage: rows.length > request.first };
  }

  async suggest(request: SuggestRequest): Promise<Suggestion[]> {
    const terms = queryTerms(request.prefix);
    const v = request.visibility;
    if (!terms.length || !v.types.length || request.first <= 0) return [];
    // Title words only (weight A), every term as a prefix; shorter titles first among equals.
    const rows = (await this.pools.read.query<{ title: string; type: SearchType; id: string }>(
      `SELECT e.title, e.type, e.id FROM search.entries e
        WHERE e.tenant_id = $1::uuid AND NOT e.deleted AND e.type = ANY($3::text[])
          AND (e.readers IS NULL OR e.type = ANY($4::text[]) OR e.readers @> ARRAY[$5::uuid] OR (e.reader_until ->> $5::text)::timestamptz > now())
          AND e.document @@ to_tsquery('simple', search.fold($2))
        ORDER BY ts_rank('{0, 0, 0, 1.0}', e.document, to_tsquery('simple', search.fold($2))) DESC, length(e.title), e.title, e.id
        LIMIT $6`,
      [v.tenantId, terms.map((t) => `'${t}':*A`).join(' & '), v.types, v.unrestricted, v.userId, request.first],
    )).rows;
    return rows.map((r) => ({ text: r.title, type: r.type, id: r.id }));
  }

  async dropTenant(tenantId: string): Promise<void> {
    await this.perTenant([{ tenantId }], async (db) => {
      await db.query('DELETE FROM search.entries WHERE tenant_id = $1', [tenantId]);
    });
  }

  async count(tenantId: string): Promise<number> {
    const { rows } = await withTenant(tenantId, () => this.pools.write.query<{ n: string }>('SELECT count(*) AS n FROM search.entries WHERE tenant_id = $1 AND NOT deleted', [tenantId]));
    return Number(rows[0].n);
  }

  async ping(): Promise<void> {
    await this.pools.read.query('SELECT 1');
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pools.read.end(), this.pools.write.end()]);
  }
}

/** The reader_until column: expiring readers as { userId: until }, null without any (or without an access list). */
const untilOf = (readers: string[] | null, expiring: ExpiringReader[] | undefined): Record<string, string> | null =>
  readers !== null && expiring?.length ? Object.fromEntries(expiring.map((r) => [r.userId, new Date(r.until).toISOString()])) : null;

const jsonOrNull = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));

/** PostgreSQL text cannot hold NUL; the index keeps everything else as given. */
const clean = (s: string) => s.replace(/\0/g, '');

// The query side: checks the caller, derives what they may see (rules.ts), asks the engine, and
// turns hits into the contract's connection: `{ __typename, id }` references the gateway resolves
// through each type's owner, highlights named with the owner's field names, opaque cursors.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { badInput, internalEnumValue, pageSize, unauthenticated } from '@bacbos/common';
import type { SearchContext } from '../../context';
import { SEARCH_TYPES, type SearchAfter, type SearchHit, type SearchType } from '../../engine/engine';
import { queryTerms } from '../../engine/text';
import type { PageInfo, QuerySearchArgs, QuerySearchSuggestArgs, ResolversParentTypes, SearchHighlight, SearchType as SearchTypeValue } from '../../generated/graphql';
import { TYPE_RULES, visibilityOf } from '../../rules';

const MAX_QUERY_LENGTH = 500;
const MAX_SUGGESTIONS = 20;

const cursorSchema = z.object({ s: z.number(), k: z.string().max(200), q: z.string() });

/** What `search` returns: the contract's SearchConnection (codegen.ts maps it here). */
export interface SearchPage {
  totalCount: number;
  facets: { type: SearchTypeValue; count: number }[];
  pageInfo: PageInfo;
  edges: { cursor: string; score: number; highlights: SearchHighlight[]; node: ResolversParentTypes['SearchResult'] }[];
}

// The index keys a type by the enum value's name (CONTACT, as stored); resolvers hold its internal
// value (contact), by the one rule of enums.ts. These two convert at the service's edge.
const indexType = (value: SearchTypeValue): SearchType => SEARCH_TYPES.find((t) => internalEnumValue(t) === value)!;
const enumValue = (type: SearchType): SearchTypeValue => internalEnumValue(type);

export class SearchService {
  constructor(private readonly ctx: SearchContext) {}

  /** Every signed-in caller may search; what they find is limited per type by rules.ts. */
  private visibility() {
    const { caller } = this.ctx;
    if (!caller.tenantId || caller.kind === 'anonymous') throw unauthenticated();
    return visibilityOf({ ...caller, tenantId: caller.tenantId });
  }

  private static text(value: string, field: string): string {
    const text = value.trim();
    if (text.length > MAX_QUERY_LENGTH) throw badInput(`${field} must be at most ${MAX_QUERY_LENGTH} characters`, field);
    return text;
  }

  /** A cursor belongs to one query and type filter: the fingerprint refuses it for another. */
  private static fingerprint(text: string, types: SearchType[]): string {
    return createHash('sha256').update(JSON.stringify([queryTerms(text), [...types].sort()])).digest('base64url').slice(0, 12);
  }

  private static encodeCursor(hit: SearchHit, q: string): string {
    return Buffer.from(JSON.stringify({ s: hit.score, k: hit.key, q })).toString('base64url');
  }

  private static decodeCursor(cursor: string, q: string): SearchAfter {
    try {
      const parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
      if (parsed.q === q) return { score: parsed.s, key: parsed.k };
    } catch {
      // fall through: not one of ours
    }
    throw badInput('after is not a cursor of this search', 'after');
  }

  async search(args: QuerySearchArgs): Promise<SearchPage> {
    const visibility = this.visibility();
    const first = pageSize(args.first ?? 20);
    const text = SearchService.text(args.query, 'query');
    const asked = args.types?.map(indexType);
    const requested = asked?.length ? SEARCH_TYPES.filter((t) => asked.includes(t)) : visibility.types;
    const types = requested.filter((t) => visibility.types.includes(t));
    const q = SearchService.fingerprint(text, requested);
    const after = args.after ? SearchService.decodeCursor(args.after, q) : undefined;
    const empty = { totalCount: 0, facets: [], edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: Boolean(after), startCursor: null, endCursor: null } };
    if (!queryTerms(text).length) return empty;
    const result = await this.ctx.engine.search({ text, visibility, types, first, after });
    const edges = result.hits.map((hit) => ({
      cursor: SearchService.encodeCursor(hit, q),
      score: hit.score,
      highlights: hit.highlights.map((h) => ({ field: TYPE_RULES[hit.type].fields[h.field], snippet: h.snippet })),
      node: { __typename: TYPE_RULES[hit.type].typename, id: hit.id },
    }));
    return {
      totalCount: result.totalCount,
      facets: result.facets.map((f) => ({ type: enumValue(f.type), count: f.count })),
      edges,
      pageInfo: { hasNextPage: result.hasNextPage, hasPreviousPage: Boolean(after), startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  async suggest(args: QuerySearchSuggestArgs) {
    const visibility = this.visibility();
    const first = args.first ?? 8;
    if (!Number.isInteger(first) || first < 0 || first > MAX_SUGGESTIONS) throw badInput(`first must be between 0 and ${MAX_SUGGESTIONS}`, 'first');
    const prefix = SearchService.text(args.prefix, 'prefix');
    if (!queryTerms(prefix).length) return [];
    return (await this.ctx.engine.suggest({ prefix, visibility, first })).map((s) => ({ ...s, type: enumValue(s.type) }));
  }
}

import type { SearchContext } from '../../context';
import type { SearchArgs } from './search.service';

export const searchResolvers = {
  Query: {
    search: (_: unknown, args: SearchArgs, ctx: SearchContext) => ctx.search.search(args),
    searchSuggest: (_: unknown, args: { prefix: string; first?: number | null }, ctx: SearchContext) => ctx.search.suggest(args),
  },
  SearchResult: {
    __resolveType: (node: { __typename: string }) => node.__typename,
  },
};

import type { Resolvers } from '../../generated/graphql';

export const searchResolvers: Resolvers = {
  Query: {
    search: (_, args, ctx) => ctx.search.search(args),
    searchSuggest: (_, args, ctx) => ctx.search.suggest(args),
  },
  SearchResult: {
    __resolveType: (node) => node.__typename ?? null,
  },
};

// The search subgraph's modules (SDL, typed resolvers, services) and the request context they make.
import { defineSubgraph, type ContextOf } from '@bacbos/common';
import { createLoaders } from './context';
import { SearchService, searchResolvers } from './modules/search';

export const search = defineSubgraph({
  dir: __dirname,
  loaders: createLoaders,
  modules: {
    search: { resolvers: searchResolvers, services: { search: SearchService } },
  },
});

/** Built once per request: the verified caller, the engine and each module's services. */
// An interface, not a type alias: the services name this type while it is derived from them, and
// only an interface breaks that cycle.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SearchContext extends ContextOf<typeof search> {}

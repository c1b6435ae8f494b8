import type { SearchEngine } from './engine/engine';

/** Built once per request (subgraph.ts): the verified caller, the engine and each module's services. */
export type { SearchContext } from './subgraph';

/** What lives as long as the subgraph process, shared by every request. */
export interface SearchDeps {
  engine: SearchEngine;
}

/** Search reads one index per request and resolves no entity of its own: nothing to batch. */
export type SearchLoaders = Record<never, never>;

export const createLoaders = (_deps: SearchDeps): SearchLoaders => ({});

import type { CallerIdentity, Logger } from '@bacbos/common';
import type { SearchEngine } from './engine/engine';
import { SearchService } from './modules/search';

/** Built once per request: the verified caller and the search service over the configured engine. */
export interface SearchContext {
  caller: CallerIdentity;
  log: Logger;
  search: SearchService;
}

export const createSearchContext = (engine: SearchEngine, caller: CallerIdentity, log: Logger): SearchContext => ({
  caller, log, search: new SearchService(caller, engine),
});

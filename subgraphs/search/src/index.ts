import { databaseUrlFor, rootLogger, setting, subgraphEntry, type SubgraphDefinition } from '@bacbos/common';
import { createEngine, type SearchEngine } from './engine';
import { startIndexer } from './indexer';
import { search, type SearchContext } from './subgraph';

export type { IndexOperation, SearchAfter, SearchDocument, SearchEngine, SearchKey, SearchType, Visibility } from './engine';
export { createEngine, OpenSearchEngine, PostgresEngine, SEARCH_TYPES } from './engine';
export { applyEvent, applyEvents, operationsOf, startIndexer } from './indexer';
export { createSearchPools } from './db';
export { TYPO_SIMILARITY } from './engine/text';
export { reindexTenant, type SubgraphUrls } from './reindex';

export const searchModules = search.modules;

export function searchSubgraph(engine: SearchEngine = createEngine()): SubgraphDefinition<SearchContext> {
  const log = rootLogger.child({ subgraph: 'search' });
  return {
    name: 'search',
    modules: searchModules,
    // It writes no events of its own (the manifest says so): no outbox, no relay.
    outbox: subgraphEntry('search').outbox,
    createContext: (caller, requestLog) => search.createContext({ engine }, caller, requestLog),
    healthCheck: () => engine.ping(),
    // One consumer group per index (engine and database), so each index sees every event once.
    consume: async (bus) => {
      await engine.init();
      return startIndexer(bus, { engine, indexId: setting('SEARCH_ENGINE') === 'opensearch' ? String(setting('OPENSEARCH_URL')) : databaseUrlFor('search'), log: log.child({ component: 'indexer' }) });
    },
    close: () => engine.close(),
  };
}

import { join } from 'node:path';
import { baseModule, databaseUrlFor, loadTypeDefs, rootLogger, setting, type SubgraphDefinition } from '@bacbos/common';
import { createSearchContext, type SearchContext } from './context';
import { createEngine, type SearchEngine } from './engine';
import { startIndexer } from './indexer';
import { searchResolvers } from './modules/search';

export type { SearchAfter, SearchDocument, SearchEngine, SearchKey, SearchType, Visibility } from './engine';
export { createEngine, OpenSearchEngine, PostgresEngine, SEARCH_TYPES } from './engine';
export { applyEvent, operationsOf, startIndexer } from './indexer';
export { createSearchPools } from './db';
export { reindexTenant, type SubgraphUrls } from './reindex';

const schemaModule = (name: string, resolvers: object) => ({ typeDefs: loadTypeDefs(join(__dirname, 'modules', name, 'schema.graphql')), resolvers: resolvers as never });

export const searchModules = [baseModule, schemaModule('search', searchResolvers)];

export function searchSubgraph(engine: SearchEngine = createEngine()): SubgraphDefinition<SearchContext> {
  const log = rootLogger.child({ subgraph: 'search' });
  return {
    name: 'search',
    modules: searchModules,
    // It writes no events of its own: no outbox, no relay.
    outbox: false,
    createContext: (caller, requestLog) => createSearchContext(engine, caller, requestLog),
    healthCheck: () => engine.ping(),
    // One consumer group per index (engine and database), so each index sees every event once.
    consume: async (bus) => {
      await engine.init();
      return startIndexer(bus, { engine, indexId: setting('SEARCH_ENGINE') === 'opensearch' ? String(setting('OPENSEARCH_URL')) : databaseUrlFor('search'), log: log.child({ component: 'indexer' }) });
    },
    close: () => engine.close(),
  };
}

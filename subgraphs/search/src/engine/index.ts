// The engine the search subgraph runs on, chosen by SEARCH_ENGINE (config catalog).
import { ConfigError, setting } from '@bacbos/common';
import { createSearchPools } from '../db';
import type { SearchEngine } from './engine';
import { OpenSearchEngine } from './opensearch';
import { PostgresEngine } from './postgres';

export * from './engine';
export { OpenSearchEngine } from './opensearch';
export { PostgresEngine } from './postgres';

export function createEngine(kind = setting('SEARCH_ENGINE')): SearchEngine {
  if (kind === 'opensearch') {
    const url = setting('OPENSEARCH_URL');
    if (!url) throw new ConfigError(['OPENSEARCH_URL: not set, and SEARCH_ENGINE=opensearch needs it']);
    return new OpenSearchEngine(url);
  }
  return new PostgresEngine(createSearchPools());
}

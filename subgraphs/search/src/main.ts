// Runs the search subgraph on its own (docker-compose, production); SIGTERM/SIGINT stop it cleanly.
// `npm start` runs every subgraph in one process instead (scripts/start.ts).
import { shutdownTracing } from '@bacbos/common/tracing'; // first: instruments the modules the next imports load (off unless OTEL_* asks)
import { runStandaloneSubgraph, type SubgraphDefinition } from '@bacbos/common';
import { searchSubgraph } from './index';

runStandaloneSubgraph('search', () => searchSubgraph() as SubgraphDefinition<object>, { flush: shutdownTracing });

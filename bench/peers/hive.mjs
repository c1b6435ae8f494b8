// A peer of the gateway benchmark (bench/gateway.ts): Hive Gateway with @graphql-hive/router-runtime
// (the Rust query planner) over a supergraph file, in-flight dedup off (it keys on URL, method and
// body only, so it would share one tenant's answer with another). It forwards the caller header the
// client sends, already signed: authentication is not part of what this peer measures.
// Usage: node bench/peers/hive.mjs <supergraph file> <port>
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';

const [supergraphFile, port] = process.argv.slice(2);
const runtime = createGatewayRuntime({
  supergraph: readFileSync(supergraphFile, 'utf8'),
  unifiedGraphHandler,
  transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } },
  propagateHeaders: { fromClientToSubgraphs: ({ request }) => ({ 'x-bacbos-context': request.headers.get('x-bacbos-context') }) },
  logging: 'error',
  landingPage: false,
  graphiql: false,
});
createServer(runtime).listen(Number(port), '127.0.0.1', () => console.log(`listening ${port}`));

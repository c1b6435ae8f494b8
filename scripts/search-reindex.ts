// npm run search:reindex -- --tenant <id>: rebuilds that tenant's search index from the owning
// subgraphs' GraphQL (subgraphs/search/src/reindex.ts). Needs the subgraphs running (npm start, the
// topology), INTERNAL_CONTEXT_SECRET, and the search engine's settings (DATABASE_URL for postgres).
// Subgraph URLs: <SUBGRAPH>_SUBGRAPH_URL, else 127.0.0.1 on the subgraph's port.
import { internalContextSecret, portFor, validateConfig } from '@bacbos/common';
import { createEngine, reindexTenant, type SubgraphUrls } from '@bacbos/search';
import { subgraphUrlsFromEnv } from '@bacbos/gateway';

async function main(): Promise<void> {
  const at = process.argv.indexOf('--tenant');
  const tenantId = at > 0 ? process.argv[at + 1] : undefined;
  if (!tenantId || !/^[0-9a-f-]{36}$/i.test(tenantId)) {
    console.error('usage: npm run search:reindex -- --tenant <tenant id>');
    process.exit(2);
  }
  validateConfig('search');
  const fromEnv = subgraphUrlsFromEnv();
  const url = (name: keyof SubgraphUrls) => fromEnv[name] ?? `http://127.0.0.1:${portFor(name)}/graphql`;
  const engine = createEngine();
  try {
    await engine.init();
    const started = Date.now();
    await reindexTenant({
      tenantId, engine, secret: internalContextSecret(),
      urls: { crm: url('crm'), office: url('office'), hr: url('hr'), platform: url('platform') },
      log: (line) => console.log(`${line} in ${Date.now() - started} ms`),
    });
  } finally {
    await engine.close();
  }
}

main().catch((error: unknown) => {
  console.error(`search:reindex failed: ${(error as Error).message}`);
  process.exit(1);
});

#!/usr/bin/env node
// The five subgraphs of the gateway benchmark (bench/gateway.ts) in one process, from the compiled
// output (dist/, `npm run build`), like `npm start` runs them: one in-process event bus (the
// directories of crm, hr and office follow the platform's users), each on an ephemeral port.
// Prints one JSON line {"urls": {name: url}} when every subgraph listens; then answers
// `GET /statements` on its own port with the SQL statements run so far per subgraph (the
// statement counter of packages/common/src/db.ts; the shared PostgreSQL has no pg_stat_statements).
// Plain JavaScript so that it runs with `node`, no tsx.
const http = require('node:http');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
const common = require(join(dist, 'node_modules', '@bacbos', 'common'));
const { SUBGRAPH_ENTRIES } = require(join(dist, 'scripts', 'subgraphs.js'));

// A plain exit on SIGTERM, so that --cpu-prof writes its profile.
process.on('SIGTERM', () => process.exit(0));

async function main() {
  const bus = common.createEventBus('bench');
  const urls = {};
  for (const entry of SUBGRAPH_ENTRIES) {
    const running = await common.startSubgraph(entry.create(), { port: 0, host: '127.0.0.1', bus });
    urls[entry.name] = running.url;
  }
  const counter = http.createServer((_req, res) => res.end(JSON.stringify(common.sqlStatementCounts)));
  await new Promise((resolve) => counter.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ urls, statements: `http://127.0.0.1:${counter.address().port}/statements` })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

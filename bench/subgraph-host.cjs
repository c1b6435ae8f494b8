#!/usr/bin/env node
// The five subgraphs of the gateway benchmark (bench/gateway.ts) in one process, from the compiled
// output (dist/, `npm run build`), like `npm start` runs them: one in-process event bus (the
// directories of crm, hr and office follow the platform's users), each on an ephemeral port.
// Prints one JSON line {"urls": {name: url}} when every subgraph listens; then answers
// `GET /statements` on its own port with the SQL statements run so far per subgraph (the
// statement counter of packages/common/src/db.ts; the shared PostgreSQL has no pg_stat_statements),
// and profiles a window on request (below).
// Plain JavaScript so that it runs with `node`, no tsx.
const http = require('node:http');
const { join } = require('node:path');

// BENCH_DIST: another build's dist/ (bench/gateway.ts --baseline), to compare two builds side by side.
const dist = process.env.BENCH_DIST || join(__dirname, '..', 'dist');
const common = require(join(dist, 'node_modules', '@bacbos', 'common'));
const { SUBGRAPH_ENTRIES } = require(join(dist, 'scripts', 'subgraphs.js'));

// A plain exit on SIGTERM, so that --cpu-prof writes its profile.
process.on('SIGTERM', () => process.exit(0));

// `POST /profile/start` and `POST /profile/stop?file=<path>`: a V8 CPU profile of one measured
// window (the inspector's profiler, in process), without the seeding and warm-up --cpu-prof holds.
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');
const session = new inspector.Session();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
async function startProfile() {
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.start');
}
async function stopProfile(file) {
  const { profile } = await post('Profiler.stop');
  session.disconnect();
  if (file) writeFileSync(file, JSON.stringify(profile));
}

async function main() {
  const bus = common.createEventBus('bench');
  const urls = {};
  for (const entry of SUBGRAPH_ENTRIES) {
    const running = await common.startSubgraph(entry.create(), { port: 0, host: '127.0.0.1', bus });
    urls[entry.name] = running.url;
  }
  const counter = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://host');
    if (url.pathname === '/profile/start') return startProfile().then(() => res.end('{}'), (error) => res.writeHead(500).end(String(error)));
    if (url.pathname === '/profile/stop') return stopProfile(url.searchParams.get('file')).then(() => res.end('{}'), (error) => res.writeHead(500).end(String(error)));
    res.end(JSON.stringify(common.sqlStatementCounts));
  });
  await new Promise((resolve) => counter.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ urls, statements: `http://127.0.0.1:${counter.address().port}/statements` })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

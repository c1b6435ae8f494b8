// Splits a gateway's V8 CPU profile (.cpuprofile, from bench:gateway --profile) into the parts of a
// request: each busy sample goes to the innermost frame on its stack that one of RULES names (so a
// graphql-js call made by the result shaping counts as shaping, one made by Apollo Server's
// pipeline as the pipeline). Start-up (module loading, planning the manifest) is left out of the
// shares and printed apart. Usage: npx tsx bench/profile-split.ts <file.cpuprofile>
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/** First match wins, tested from the sample's own frame outwards. */
const RULES: [part: string, test: (fn: string, url: string) => boolean][] = [
  ['JSON parse / stringify', (fn, url) => (!url && (fn === 'parse' || fn === 'stringify')) || fn === 'prettyJSONStringify'],
  ['result shaping (computeResponse / compiled shaper)', (fn, url) => url.includes('@apollo/gateway/dist/resultShaping') || url.includes('/executor/shape')],
  ['operation rebuilt per request (operationFromDocument, buildOperationContext)', (fn) => fn === 'operationFromDocument' || fn === 'buildOperationContext'],
  ['plan execution (fetch nodes, representations, merging)', (fn, url) => url.includes('@apollo/gateway/dist/executeQueryPlan') || url.includes('@apollo/gateway/dist/utilities/deepMerge') || url.includes('/executor/plan')],
  ['undici (subgraph HTTP client)', (fn, url) => url.includes('/undici/') || url.includes('gateway/src/fetcher')],
  ['data source (RemoteGraphQLDataSource, caller header, fetch metrics)', (fn, url) => url.includes('RemoteGraphQLDataSource') || /gateway\/src\/(app|caller-header|fetch-metrics|dedup|tracing)\.js/.test(url)],
  ['Apollo gateway executor (plan lookup, variables)', (fn, url) => url.includes('@apollo/gateway/dist/index') || url.includes('/executor/index')],
  ['log writes (pino / sonic-boom)', (fn, url) => url.includes('sonic-boom') || url.includes('/pino/')],
  ['our seams (auth, limits, cost, budgets, persisted, metrics, spans, Redis)', (fn, url) =>
    /gateway\/src\/(access|auth|token-cache|limits|budgets|input-guard|persisted|http-conformance|graphql-post)/.test(url) || /packages\/common\//.test(url) || /node_modules\/(prom-client|ioredis|jose|@opentelemetry|proxy-addr|lru-cache)\//.test(url)],
  ['Apollo Server pipeline (parse/validate caches, hashing, plugins)', (fn, url) => url.includes('@apollo/server/') || url.includes('@apollo/utils')],
  ['node HTTP server and sockets', (fn, url) => url.startsWith('node:_http') || url.startsWith('node:net') || ['writev', 'writeUtf8String', 'writeBuffer'].includes(fn)],
];

const file = process.argv[2];
if (!file) throw new Error('usage: tsx bench/profile-split.ts <file.cpuprofile>');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const parts = new Map<string, number>();
const memo = new Map<number, string>();
const START_UP = 'start-up (module loading, planning)';
/** Start-up wherever it is on the stack: loading modules, building the schema and planner, planning. */
const startUp = (fn: string, url: string) =>
  url.includes('node:internal/modules/') || url.includes('/source_map/') || ['startGateway', 'buildQueryPlan', 'warm', 'main', 'load', 'initializeSupergraphManager', 'updateWithSupergraphSdl', 'withCompiledExecutor'].includes(fn) && !url.includes('node:');
function partOf(id: number): string {
  const known = memo.get(id);
  if (known) return known;
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { functionName, url } = (byId.get(at) as ProfileNode).callFrame;
    if (startUp(functionName, url)) {
      memo.set(id, START_UP);
      return START_UP;
    }
  }
  return innerPart(id);
}
function innerPart(id: number): string {
  const known = memo.get(id);
  if (known) return known;
  const { functionName, url } = (byId.get(id) as ProfileNode).callFrame;
  let part: string | undefined;
  if (functionName === '(garbage collector)') part = 'garbage collection';
  else if (functionName === '(idle)') part = 'idle';
  else part = RULES.find(([, test]) => test(functionName, url))?.[0];
  if (!part) {
    const up = parent.get(id);
    part = up === undefined ? 'other (event loop, promises, node internals)' : innerPart(up);
  }
  memo.set(id, part);
  return part;
}
for (const id of profile.samples) {
  const part = partOf(id);
  parts.set(part, (parts.get(part) ?? 0) + 1);
}
const startUpSamples = parts.get(START_UP) ?? 0;
parts.delete('idle');
parts.delete(START_UP);
const total = [...parts.values()].reduce((a, b) => a + b, 0);
console.log(`${total} busy samples after start-up (${startUpSamples} samples of start-up left out)\n`);
console.log('| part | share |\n|---|---|');
for (const [part, count] of [...parts].sort((a, b) => b[1] - a[1])) console.log(`| ${part} | ${((100 * count) / total).toFixed(1)}% |`);

// --detail: the leaf functions that make up each part.
if (process.argv.includes('--detail')) {
  const leaves = new Map<string, Map<string, number>>();
  for (const id of profile.samples) {
    const part = partOf(id);
    const { functionName, url } = (byId.get(id) as ProfileNode).callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/dist\//, '')}`;
    const map = leaves.get(part) ?? new Map<string, number>();
    map.set(key, (map.get(key) ?? 0) + 1);
    leaves.set(part, map);
  }
  for (const [part, map] of leaves) {
    if (part === 'idle') continue;
    console.log(`\n${part}:`);
    for (const [key, count] of [...map].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${count.toString().padStart(5)}  ${key}`);
  }
}

// Summarises a V8 CPU profile (.cpuprofile, from node --cpu-prof): the top functions by self time
// and the top packages / source areas by self time, in % of the samples. Usage:
//   npx tsx bench/profile-top.ts <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/profile-top.ts <file.cpuprofile> [top]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfSamples = new Map<number, number>();
for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
// Shares of the busy samples: a server under a closed-loop load still idles between requests.
const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
const total = profile.samples.filter((id) => !idle.has(id)).length;
for (const id of idle) selfSamples.delete(id);

/** node_modules/<package> (scoped too), else the project's own path, else V8's category. */
function area(url: string, name: string): string {
  if (!url) return `(${name || 'native'})`;
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1];
  if (url.startsWith('node:')) return url;
  const own = /\/(gateway|packages\/common|subgraphs\/\w+|scripts|bench)\/(?:src\/)?([^/]+)/.exec(url);
  return own ? `${own[1]}/${own[2]}` : url.replace(/^file:\/\//, '');
}

const fns = new Map<string, number>();
const areas = new Map<string, number>();
for (const [id, count] of selfSamples) {
  const node = byId.get(id) as ProfileNode;
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(dist\/)?/, '')}:${lineNumber + 1}` : ''}`;
  fns.set(key, (fns.get(key) ?? 0) + count);
  const a = area(url, functionName);
  areas.set(a, (areas.get(a) ?? 0) + count);
}
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title} (% of ${total} busy samples)`);
  for (const [key, count] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * count) / total).toFixed(1).padStart(5)}%  ${key}`);
};
// Inclusive: a sample counts once for every package / file on its stack.
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const inclusive = new Map<string, number>();
for (const [id, count] of selfSamples) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { url, functionName } = (byId.get(at) as ProfileNode).callFrame;
    if (url) seen.add(area(url, functionName));
  }
  for (const a of seen) inclusive.set(a, (inclusive.get(a) ?? 0) + count);
}
print('self time by function', fns);
print('self time by package / source file', areas);
print('inclusive time by package / source file', inclusive);

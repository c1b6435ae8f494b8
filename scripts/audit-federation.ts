// `npm run audit:federation [-- --audit <dir>] [--test <group>] [--executor apollo|compiled]`: runs the public federation
// gateway audit (graphql-hive/federation-gateway-audit, 199 cases over 46 supergraphs) against this
// project's gateway, started by its own entry point (gateway/src/main.ts) on each of the audit's
// supergraphs, and compares the cases with the ones stock @apollo/gateway passes (the audit's own
// gateways/apollo-gateway/results.txt).
//
// The audit is not part of the project and is never copied into it: give a checkout (`--audit`),
// or let the script take the copy the tool library's `fetch` left in ../.mirror and unpack it into
// a temporary folder (its runtime dependencies come from the npm registry once). Nothing of the
// audit runs in CI; it is a check to run by hand when the gateway's executor changes.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';

const project = resolve(__dirname, '..');
const { values } = parseArgs({ options: { audit: { type: 'string' }, test: { type: 'string' }, port: { type: 'string', default: '4000' }, executor: { type: 'string', default: 'compiled' } } });
// The gateway's executor under audit (GATEWAY_EXECUTOR): each must pass what stock Apollo passes.
if (!['apollo', 'compiled'].includes(values.executor)) throw new Error(`--executor ${values.executor}: apollo or compiled`);
const mirror = resolve(project, '../.mirror/graphql-hive+federation-gateway-audit/repo');

function auditCheckout(): string {
  if (values.audit) return resolve(values.audit);
  if (!existsSync(mirror)) {
    console.error('audit:federation: no audit found. Give a checkout of graphql-hive/federation-gateway-audit with --audit <dir>,');
    console.error(`or bring one with the tool library's fetch (github:graphql-hive/federation-gateway-audit) so it is at ${mirror}.`);
    process.exit(2);
  }
  const dir = join(tmpdir(), `federation-audit-${execFileSync('git', ['--git-dir', mirror, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()}`);
  if (!existsSync(join(dir, 'node_modules'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git --git-dir='${mirror}' archive HEAD | tar -x -C '${dir}'`], { stdio: 'inherit' });
    // Its dev dependencies are the peer gateways (some not on the registry); the audit needs only its own.
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  }
  return dir;
}

/** graphql is the audit's peer dependency (listed among its dev ones): it uses the project's. */
function linkGraphql(dir: string): void {
  const target = join(dir, 'node_modules/graphql');
  if (!existsSync(target)) symlinkSync(dirname(require.resolve('graphql/package.json')), target);
}

const audit = auditCheckout();
linkGraphql(audit);
const work = mkdtempSync(join(tmpdir(), 'bacbos-audit-gateway-'));
// The audit is written for Node.js 22 (Promise.withResolvers); on 20 a preload supplies it.
const polyfill = join(work, 'with-resolvers.mjs');
writeFileSync(polyfill, 'Promise.withResolvers ??= function () { let resolve, reject; const promise = new this((a, b) => { resolve = a; reject = b; }); return { promise, resolve, reject }; };\n');
const node = ['--import', pathToFileURL(polyfill).href, '--import', pathToFileURL(require.resolve('tsx')).href];
const port = Number(values.port);

// The audit calls this once per supergraph (its argument is the test group): fetch that group's
// supergraph from the audit's subgraph server, then run our gateway on it.
const runScript = join(work, 'run.sh');
writeFileSync(runScript, `#!/bin/sh
set -e
cd '${audit}' && node ${node.map((a) => `'${a}'`).join(' ')} ./src/cli.ts supergraph --cwd '${work}' --test "$1"
cd '${project}'
exec env LOG_LEVEL=warn GATEWAY_EXECUTOR=${values.executor} SUPERGRAPH_PATH='${work}/supergraph.graphql' GATEWAY_PORT=${port} HOST=127.0.0.1 \\
  INTERNAL_CONTEXT_SECRET=${randomBytes(24).toString('hex')} ACCESS_TOKEN_SECRET=${randomBytes(24).toString('hex')} \\
  node --import tsx gateway/src/main.ts
`);
chmodSync(runScript, 0o755);

const endpoints = ['--graphql', `http://127.0.0.1:${port}/graphql`, '--healthcheck', `http://127.0.0.1:${port}/health/ready`];
const args = values.test
  ? ['./src/cli.ts', 'test-suite', '--test', values.test, '--cwd', work, '--run-script', runScript, '--reporter', 'tap', ...endpoints]
  : ['./src/cli.ts', 'test', '--cwd', work, '--run-script', runScript, '--write', join(work, 'results.txt'), ...endpoints];
// The audit waits 5 s for a gateway by default; ours compiles TypeScript at start (tsx).
const run = spawnSync(process.execPath, [...node, ...args], { cwd: audit, stdio: 'inherit', env: { ...process.env, GATEWAY_TIMEOUT: '60000' } });
if (values.test) process.exit(run.status ?? 1);

/** results.txt: a test group's name on one line, its cases' marks ('.' passed, 'X' failed) on the next. */
function parseResults(file: string): Map<string, string> {
  // A summary follows the groups after a '---' line.
  const lines = readFileSync(file, 'utf8').split('\n---')[0].split('\n').map((l) => l.trim()).filter(Boolean);
  const results = new Map<string, string>();
  for (let i = 0; i + 1 < lines.length; i += 2) results.set(lines[i], lines[i + 1]);
  return results;
}

const ours = parseResults(join(work, 'results.txt'));
const stock = parseResults(join(audit, 'gateways/apollo-gateway/results.txt'));
const count = (r: Map<string, string>) => [...r.values()].join('').split('').filter((c) => c === '.').length;
const total = [...ours.values()].join('').length;
console.log(`\nfederation-gateway-audit: this gateway (GATEWAY_EXECUTOR=${values.executor}) ${count(ours)}/${total}; stock @apollo/gateway ${count(stock)}/${[...stock.values()].join('').length}`);
let lost = 0;
for (const [group, marks] of ours) {
  const theirs = stock.get(group);
  if (theirs === marks) continue;
  // A case stock Apollo passes and this gateway fails is a regression of the federation behaviour.
  if (theirs) lost += [...marks].filter((mark, i) => mark === 'X' && theirs[i] === '.').length;
  console.log(`  ${group}: this gateway ${marks}, stock ${theirs ?? '(not in its results)'}`);
}
console.log(lost ? `${lost} case(s) stock @apollo/gateway passes fail here` : 'every case stock @apollo/gateway passes passes here');
process.exit(lost ? 1 : 0);

// Benchmark (run on demand, prints numbers; not a timed test): our gateway side by side with its
// peers over the project's own subgraphs (compiled, from dist/) and seeded data.
//
//   bacbos   this project's gateway (dist/gateway/src/main.js, as `npm run serve -- gateway` runs it)
//            with GATEWAY_EXECUTOR=apollo: @apollo/gateway's executor
//   apollo   stock @apollo/gateway in @apollo/server's standalone server (bench/peers/apollo-stock.mjs)
//   hive     Hive Gateway + @graphql-hive/router-runtime, in-flight dedup off (bench/peers/hive.mjs;
//            its packages live in bench/peers/, installed on first use, never shipped)
//   direct   the plan's first fetch sent straight to its subgraph: the floor
//   entities the plan's second fetch (an entity fetch, e.g. platform's User `_entities` of the
//            Contacts page's 40 lead owners) straight to its subgraph, with the representations
//            the first fetch's answer holds; scenarios whose plan has no second fetch skip it
//   direct-base, entities-base
//            the same calls to a second subgraph process built from another tree (--baseline
//            <its dist/>, e.g. main's), pinned to the same core and measured in the same rounds:
//            a change to the subgraphs compared side by side; answers must equal the current build's
//   dedup    our gateway with GATEWAY_INFLIGHT_DEDUP=true (identical queries of one caller share a
//            subgraph call while in flight); not in the default list: --variants bacbos,dedup,...
//   compiled our gateway as it ships: GATEWAY_EXECUTOR=compiled (its own plan runner and result
//            shaping, compiled once per operation; gateway/src/executor); in the default list
//
// The peers get the same signed caller header the subgraphs need (the bench signs it, as our gateway
// would for the same session) and forward it; authenticating the client is our gateway's work only.
// Every gateway is pinned to one core (taskset), the five subgraphs (one process, like `npm start`)
// to the other; PostgreSQL, Redis and this client are not pinned. Per scenario and variant: a
// warm-up, then a measured window, in interleaved rounds (the variants' order reversed every other
// round); every response is checked (HTTP 200, no errors, the expected content) before it counts.
// Printed: RPS, p50/p99, CPU-ms per request of each process (/proc/<pid>/stat), SQL statements per
// request (the subgraphs' statement counter: the shared PostgreSQL does not preload
// pg_stat_statements), peak RSS, and the CPU ratios of our gateway to each peer.
//
// Usage: eval "$(bash scripts/services.sh env)"; npm run bench:gateway -- [--duration 10]
//   [--warmup 3] [--rounds 2] [--connections 50] [--scenarios Contacts,Me,...]
//   [--variants bacbos,compiled,apollo,hive,direct,entities] [--seed-via bacbos] [--gateway-cpu 0] [--subgraph-cpu 1] [--json out.json]
//   [--profile]: V8 CPU profiles of our gateway (--cpu-prof, whole run) and of the subgraphs'
//   process per measured window (<scenario>-<variant>-r<round>.cpuprofile, the inspector started
//   and stopped around the window: no seeding or warm-up in it)
import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { isDeepStrictEqual } from 'node:util';
import { Client } from 'pg';
import { parse } from 'graphql';
import { decodeJwt } from 'jose';
import { QueryPlanner, type PlanNode } from '@apollo/query-planner';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { SUBGRAPHS, signCallerIdentity, type CallerIdentity } from '@bacbos/common';
import { build, buildIsFresh, DIST } from '../scripts/build';
import { migrateAll } from '../scripts/platform';
import { commandOf, deployedProcess, subgraphUrlVariable } from '../scripts/processes';
import { BenchProcesses, canPin, contractOperation, cpuMs, freePort, jsonPoster, percentile, root, waitServing } from './harness';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    scenarios: { type: 'string', default: 'Contacts,Me,CreateContact,Document,Timesheet' },
    variants: { type: 'string', default: 'bacbos,compiled,apollo,hive,direct' },
    /** The variant of our gateway the seeding goes through (its profile then holds the seeding too). */
    'seed-via': { type: 'string', default: 'bacbos' },
    'gateway-cpu': { type: 'string', default: '0' },
    'subgraph-cpu': { type: 'string', default: '1' },
    json: { type: 'string' },
    /** A second build's dist/ folder for the direct-base and entities-base variants. */
    baseline: { type: 'string' },
    /** Writes V8 CPU profiles of our gateway and the subgraphs (--cpu-prof) into the log folder. */
    profile: { type: 'boolean', default: false },
  },
});
const DURATION_MS = Number(flags.duration) * 1000;
const WARMUP_MS = Number(flags.warmup) * 1000;
const ROUNDS = Number(flags.rounds);
const CONNECTIONS = Number(flags.connections);

type VariantName = 'bacbos' | 'dedup' | 'compiled' | 'apollo' | 'hive' | 'direct' | 'entities' | 'direct-base' | 'entities-base';
/** Variants that are our gateway (authenticated by access token), differently configured. */
const OURS = new Set<VariantName>(['bacbos', 'dedup', 'compiled']);
/** Variants that call a subgraph directly, without a gateway. */
const SUBGRAPH_ONLY = new Set<VariantName>(['direct', 'entities', 'direct-base', 'entities-base']);

// ---------------------------------------------------------------- processes

const processes = new BenchProcesses('gateway');
const { workDir } = processes;

const benchDatabase = `bacbos_bench_gateway_${process.pid}`;
/** The server's URL as given (main() points DATABASE_URL at this run's database). */
const serverUrl = process.env.DATABASE_URL;

/** Drops this run's database (after its processes stopped). */
async function dropBenchDatabase(): Promise<void> {
  if (!serverUrl) return;
  const admin = new Client({ connectionString: serverUrl });
  try {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${benchDatabase} WITH (FORCE)`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** Peak resident set size of a process, in MB. */
function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

// ---------------------------------------------------------------- HTTP client

const post = jsonPoster(CONNECTIONS);

// ---------------------------------------------------------------- the contract's operations

const operation = contractOperation;

// ---------------------------------------------------------------- sessions and callers

interface Session {
  tenantId: string;
  userId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  issuedAt: number;
  /** The caller our gateway forwards for this session; the peers and the floor get it signed. */
  caller: CallerIdentity;
  signed: { header: string; at: number };
}

let gatewayUrl = '';
let internalSecret = '';

async function call(session: Session | undefined, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = session ? { authorization: `Bearer ${await accessToken(session)}` } : {};
  const answer = await post(gatewayUrl, { query, variables }, headers);
  if (answer.status !== 200 || answer.body.errors?.length || !answer.body.data) throw new Error(`seed: ${answer.status} ${JSON.stringify(answer.body.errors ?? answer.body)}`);
  return answer.body.data;
}

/** Access tokens live 15 minutes: refreshed after 10. */
async function accessToken(session: Session): Promise<string> {
  if (Date.now() - session.issuedAt > 10 * 60_000) {
    session.issuedAt = Date.now();
    const data = await post(gatewayUrl, { query: operation('identity', 'RefreshSession'), variables: { refreshToken: session.refreshToken } }, {});
    const refreshed = data.body.data?.refreshSession as { accessToken: string; refreshToken: string } | undefined;
    if (!refreshed) throw new Error(`refreshSession failed: ${JSON.stringify(data.body.errors)}`);
    session.accessToken = refreshed.accessToken;
    session.refreshToken = refreshed.refreshToken;
  }
  return session.accessToken;
}

/** The signed caller header (valid 60 s): signed again after 20 s. */
async function callerHeader(session: Session): Promise<string> {
  if (Date.now() - session.signed.at > 20_000) session.signed = { header: await signCallerIdentity({ ...session.caller, requestId: randomUUID() }, internalSecret), at: Date.now() };
  return session.signed.header;
}

async function signUp(label: string): Promise<Session> {
  const slug = `bench-${label}-${randomUUID().slice(0, 8)}`;
  const email = `owner@${slug}.example`;
  const data = await call(undefined, operation('platform', 'SignUp'), { input: { tenantName: `Bench ${label}`, tenantSlug: slug, email, password: 'bench password 1234', firstName: 'Olive', lastName: 'Owner' } });
  const signUpResult = data.signUp as { accessToken: string; refreshToken: string; user: { id: string }; tenant: { id: string } };
  const session: Session = {
    tenantId: signUpResult.tenant.id, userId: signUpResult.user.id, email, accessToken: signUpResult.accessToken, refreshToken: signUpResult.refreshToken,
    issuedAt: Date.now(), caller: undefined as unknown as CallerIdentity, signed: { header: '', at: 0 },
  };
  const claims = decodeJwt(session.accessToken) as { sid: string; perms: string[] };
  const tenant = (await call(session, operation('platform', 'CurrentTenant'))).tenant as { enabledModules: string[]; limits: Record<string, number>; settings: { timeZone?: string } };
  session.caller = {
    kind: 'user', tenantId: session.tenantId, userId: session.userId, sessionId: claims.sid, apiKeyId: null, permissions: claims.perms, email,
    modules: tenant.enabledModules, limits: tenant.limits, timeZone: tenant.settings.timeZone ?? 'UTC', ipAddress: '127.0.0.1', userAgent: 'bench', requestId: randomUUID(),
  };
  return session;
}

/** Runs `jobs` with at most `width` at a time. */
async function pool<T>(items: T[], width: number, job: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all([...Array(width)].map(async () => {
    while (next < items.length) {
      const index = next++;
      await job(items[index], index);
    }
  }));
}

interface Seed {
  main: Session;
  writer: Session;
  documentId: string;
  employeeId: string;
  today: string;
}

/** One tenant as the issue measured it: 4 users, 100 contacts, 200 leads owned by the users. */
async function seed(): Promise<Seed> {
  const main = await signUp('main');
  const users = [main.userId];
  for (const name of ['Ada', 'Bob', 'Cyd']) {
    const invited = (await call(main, operation('platform', 'InviteUser'), { input: { email: `${name.toLowerCase()}@${main.email.split('@')[1]}`, firstName: name, lastName: 'User', password: 'bench password 1234' } })).inviteUser as { id: string };
    users.push(invited.id);
  }
  const contacts: string[] = [];
  await pool([...Array(100).keys()], 8, async (i) => {
    const created = (await call(main, operation('crm', 'CreateContact'), { input: { firstName: `First${i}`, lastName: `Last${String(i).padStart(3, '0')}`, email: `c${i}@contacts.example`, company: `Company ${i % 7}`, tags: ['bench'] } })).createContact as { id: string };
    contacts[i] = created.id;
  });
  // The crm's replica of the users follows the platform's events: the first lead waits for it.
  const lead = (i: number) => call(main, operation('crm', 'CreateLead'), { input: { contactId: contacts[i % 100], title: `Lead ${i}`, value: '1000.00', currency: 'EUR', ownerId: users[i % 4], priority: 'medium' } });
  for (let attempt = 0; ; attempt += 1) {
    try {
      await lead(0);
      break;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await pool([...Array(199).keys()].map((i) => i + 1), 8, async (i) => {
    await lead(i);
  });
  const document = (await call(main, operation('office', 'CreateDocument'), { input: { title: 'Bench document', content: { type: 'doc', content: [] } } })).createDocument as { id: string };
  for (const userId of users.slice(1)) await call(main, operation('office', 'ShareDocument'), { id: document.id, userId, role: 'EDITOR' });
  const employee = (await call(main, operation('hr', 'CreateEmployee'), { input: { employeeNumber: 'E-1', firstName: 'Olive', lastName: 'Owner', email: main.email, userId: main.userId } })).createEmployee as { id: string };
  for (let i = 0; i < 3; i += 1) {
    await call(main, operation('hr', 'ClockIn'), { input: { employeeId: employee.id, method: 'WEB' } });
    await call(main, operation('hr', 'ClockOut'), { employeeId: employee.id });
  }
  const writer = await signUp('writer');
  return { main, writer, documentId: document.id, employeeId: employee.id, today: new Date().toISOString().slice(0, 10) };
}

// ---------------------------------------------------------------- scenarios

interface Scenario {
  name: string;
  query: string;
  session: (seed: Seed) => Session;
  variables: (seed: Seed, n: number) => Record<string, unknown>;
  /** What a correct answer holds; a string says what is wrong. */
  check: (data: Record<string, unknown>, variables: Record<string, unknown>, seed: Seed) => string | undefined;
  /** Queries: every answer must equal the first one (the same data through every variant). */
  stable: boolean;
}

type Row = Record<string, unknown>;
const list = (value: unknown) => (Array.isArray(value) ? (value as Row[]) : []);

const SCENARIOS: Scenario[] = [
  {
    name: 'Contacts', query: operation('crm', 'Contacts'), stable: true, session: (s) => s.main, variables: () => ({ first: 20 }),
    check: (data) => {
      const contacts = data.contacts as { totalCount: number; edges: { node: Row }[] };
      if (contacts.totalCount !== 100 || contacts.edges.length !== 20) return `totalCount ${contacts.totalCount}, ${contacts.edges.length} edges`;
      const leads = contacts.edges.flatMap((e) => list(e.node.leads));
      if (leads.length !== 40 || leads.some((l) => !(l.owner as Row | null)?.email)) return `${leads.length} leads, owners ${leads.filter((l) => (l.owner as Row | null)?.email).length}`;
      return undefined;
    },
  },
  {
    name: 'Me', query: operation('identity', 'Me'), stable: false, session: (s) => s.main, variables: () => ({}),
    check: (data, _v, s) => {
      const me = data.me as { email: string; roles: Row[]; sessions: Row[]; tenant: Row };
      if (me.email !== s.main.email || me.tenant.id !== s.main.tenantId) return `me is ${me.email}`;
      if (!me.roles.some((r) => r.name === 'owner')) return 'no owner role';
      if (!me.sessions.some((x) => x.current === true)) return 'no current session';
      return undefined;
    },
  },
  {
    name: 'CreateContact', query: operation('crm', 'CreateContact'), stable: false, session: (s) => s.writer,
    variables: (_s, n) => ({ input: { firstName: 'New', lastName: `Contact${n}`, email: `new-${process.pid}-${n}@writer.example`, tags: ['bench'] } }),
    check: (data, variables) => {
      const created = data.createContact as Row;
      return created.email === (variables.input as Row).email && typeof created.id === 'string' ? undefined : `created ${JSON.stringify(created)}`;
    },
  },
  {
    name: 'Document', query: operation('office', 'Document'), stable: true, session: (s) => s.main, variables: (s) => ({ id: s.documentId }),
    check: (data, _v, s) => {
      const document = data.document as { id: string; collaborators: { user: Row | null }[]; owner: Row };
      if (document.id !== s.documentId || document.owner.email !== s.main.email) return 'another document';
      return document.collaborators.length === 3 && document.collaborators.every((c) => c.user?.email) ? undefined : `collaborators ${JSON.stringify(document.collaborators)}`;
    },
  },
  {
    name: 'Timesheet', query: operation('hr', 'Timesheet'), stable: true, session: (s) => s.main,
    variables: (s) => ({ employeeId: s.employeeId, from: s.today, to: s.today }),
    check: (data) => {
      const sheet = data.timesheet as { records: Row[] };
      return sheet.records.length === 3 ? undefined : `${sheet.records.length} records`;
    },
  },
];

// ---------------------------------------------------------------- the floor: the plan's first fetch

interface DirectCall {
  url: string;
  query: string;
  variableNames: string[];
}

/** An entity fetch: its operation and the type whose representations (`__typename`, `id`) it takes. */
interface EntityCall {
  url: string;
  query: string;
  typename: string;
}

function fetches(node: PlanNode | undefined): Extract<PlanNode, { kind: 'Fetch' }>[] {
  if (!node) return [];
  if (node.kind === 'Fetch') return [node];
  if (node.kind === 'Sequence' || node.kind === 'Parallel') return node.nodes.flatMap(fetches);
  if (node.kind === 'Flatten') return fetches(node.node);
  return [];
}

/** Every object of `typename` in an answer, as a representation (its `__typename` and `id`). */
function representations(value: unknown, typename: string, into: { __typename: string; id: unknown }[] = []): { __typename: string; id: unknown }[] {
  if (Array.isArray(value)) for (const item of value) representations(item, typename, into);
  else if (value && typeof value === 'object') {
    const row = value as Row;
    if (row.__typename === typename && 'id' in row) into.push({ __typename: typename, id: row.id });
    else for (const child of Object.values(row)) representations(child, typename, into);
  }
  return into;
}

function firstFetch(node: PlanNode | undefined): Extract<PlanNode, { kind: 'Fetch' }> | undefined {
  if (!node) return undefined;
  if (node.kind === 'Fetch') return node;
  if (node.kind === 'Sequence' || node.kind === 'Parallel') {
    for (const child of node.nodes) {
      const found = firstFetch(child);
      if (found) return found;
    }
  }
  if (node.kind === 'Flatten') return firstFetch(node.node);
  return undefined;
}

function directCalls(supergraphSdl: string, urls: Record<string, string>): Map<string, DirectCall> {
  const supergraph = Supergraph.build(supergraphSdl);
  const planner = new QueryPlanner(supergraph);
  const calls = new Map<string, DirectCall>();
  for (const scenario of SCENARIOS) {
    const op = operationFromDocument(supergraph.schema, parse(scenario.query));
    const plan = planner.buildQueryPlan(op).node;
    const fetch = plan?.kind === 'Subscription' ? undefined : firstFetch(plan);
    if (!fetch) throw new Error(`no fetch in the plan of ${scenario.name}`);
    calls.set(scenario.name, { url: urls[fetch.serviceName.toLowerCase()] ?? urls[fetch.serviceName], query: fetch.operation, variableNames: fetch.variableUsages ?? [] });
  }
  return calls;
}

function entityCalls(supergraphSdl: string, urls: Record<string, string>): Map<string, EntityCall> {
  const supergraph = Supergraph.build(supergraphSdl);
  const planner = new QueryPlanner(supergraph);
  const calls = new Map<string, EntityCall>();
  for (const scenario of SCENARIOS) {
    const plan = planner.buildQueryPlan(operationFromDocument(supergraph.schema, parse(scenario.query))).node;
    const second = plan?.kind === 'Subscription' ? undefined : fetches(plan)[1];
    const typename = second?.requires?.[0]?.kind === 'InlineFragment' ? second.requires[0].typeCondition : undefined;
    if (second && typename) calls.set(scenario.name, { url: urls[second.serviceName.toLowerCase()] ?? urls[second.serviceName], query: second.operation, typename });
  }
  return calls;
}

// ---------------------------------------------------------------- measuring

interface Measure {
  scenario: string;
  variant: VariantName;
  round: number;
  requests: number;
  failed: number;
  firstFailure?: string;
  rps: number;
  p50: number;
  p99: number;
  /** CPU-ms per request by process. */
  cpu: Record<string, number>;
  sqlPerRequest: number;
}


async function statements(url: string): Promise<number> {
  const counts = (await (await fetch(url)).json()) as Record<string, number>;
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL (eval "$(bash scripts/services.sh env)")');
  const variants = flags.variants.split(',') as VariantName[];
  const scenarios = SCENARIOS.filter((s) => flags.scenarios.split(',').includes(s.name));
  if (!buildIsFresh()) {
    console.log('bench: dist/ is older than the sources, building');
    build(console.log);
  }
  if (variants.includes('hive') && !existsSync(join(__dirname, 'peers', 'node_modules', '@graphql-hive', 'router-runtime'))) {
    console.log('bench: installing the peer gateways into bench/peers (npm ci, once)');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', join(__dirname, 'peers')], { stdio: 'inherit' });
  }

  // A database of its own, migrated from scratch.
  const server = new URL(process.env.DATABASE_URL);
  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  // One database per run: engineers sharing a PostgreSQL may run the bench at the same time.
  await admin.query(`DROP DATABASE IF EXISTS ${benchDatabase} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${benchDatabase}`);
  await admin.end();
  server.pathname = `/${benchDatabase}`;
  process.env.DATABASE_URL = server.toString();
  // bacbos_app is a role of the whole server, shared with the test suite: keep the tests' password.
  process.env.APP_DB_PASSWORD ??= 'bacbos-test-app-role';
  await migrateAll();

  internalSecret = randomBytes(32).toString('hex');
  const shared: Record<string, string> = {
    NODE_ENV: 'production', DATABASE_URL: server.toString(), APP_DB_PASSWORD: process.env.APP_DB_PASSWORD, INTERNAL_CONTEXT_SECRET: internalSecret,
    ACCESS_TOKEN_SECRET: randomBytes(32).toString('hex'), APOLLO_TELEMETRY_DISABLED: 'true',
    // The plans' per-minute operation budgets would answer RATE_LIMITED within seconds of a load test.
    TENANT_BUDGET_SCALE: '10000',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `bench-gateway-${process.pid}:` } : {}),
  };
  const gatewayCpu = flags['gateway-cpu'];
  const subgraphCpu = flags['subgraph-cpu'];

  // The five subgraphs in one process.
  const profile = flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${workDir}`] : [];
  interface HostInfo { urls: Record<string, string>; statements: string }
  /** The five subgraphs in one process, from `dist` (default: this tree's build). */
  // Extra node flags of the subgraphs' process (BENCH_SUBGRAPH_NODE_FLAGS) and of the baseline's
  // (BENCH_BASELINE_NODE_FLAGS, default the same): e.g. a V8 setting compared side by side.
  const nodeFlags = (value: string | undefined) => (value ?? '').split(' ').filter(Boolean);
  const startHost = (name: string, dist?: string) => {
    const flagsOf = nodeFlags(dist ? (process.env.BENCH_BASELINE_NODE_FLAGS ?? process.env.BENCH_SUBGRAPH_NODE_FLAGS) : process.env.BENCH_SUBGRAPH_NODE_FLAGS);
    return processes.startSubgraphHost<HostInfo>(name, subgraphCpu, flagsOf, { ...shared, ...(dist ? { BENCH_DIST: dist } : {}) });
  };
  const started0 = startHost('subgraphs');
  const host = started0.child;
  const hostInfo = await started0.info;
  const baseStart = flags.baseline ? startHost('subgraphs-base', flags.baseline) : undefined;
  const baseInfo = await baseStart?.info;
  if (variants.some((v) => v.endsWith('-base')) && !baseInfo) throw new Error('the -base variants need --baseline <dist folder>');
  const supergraphSdl = readFileSync(join(root, 'schema', 'supergraph.graphql'), 'utf8').replace(
    /@join__graph\(name: "(\w+)", url: "[^"]+"\)/g,
    (_m, name: string) => `@join__graph(name: "${name}", url: "${hostInfo.urls[name]}")`,
  );
  const supergraphFile = join(workDir, 'supergraph.graphql');
  writeFileSync(supergraphFile, supergraphSdl);

  // The gateways, each on the gateway core.
  const urls: Partial<Record<VariantName, string>> = {};
  const pids: Partial<Record<VariantName, number>> = {};
  const spec = deployedProcess('gateway');
  for (const variant of variants) {
    if (SUBGRAPH_ONLY.has(variant)) continue;
    const port = await freePort();
    let child: ChildProcess;
    if (OURS.has(variant)) {
      const env = { ...shared, ...(variant === 'dedup' ? { GATEWAY_INFLIGHT_DEDUP: 'true' } : {}), GATEWAY_EXECUTOR: variant === 'compiled' ? 'compiled' : 'apollo', HOST: '127.0.0.1', [spec.portVariable as string]: String(port), ...Object.fromEntries(SUBGRAPHS.map((name) => [subgraphUrlVariable(name), hostInfo.urls[name]])) };
      child = processes.start(variant, gatewayCpu, [...profile, ...commandOf(spec).slice(1)].map((arg) => (arg.startsWith('dist/') ? join(DIST, arg.slice(5)) : arg)), env);
    } else {
      child = processes.start(variant, gatewayCpu, [join(__dirname, 'peers', variant === 'apollo' ? 'apollo-stock.mjs' : 'hive.mjs'), supergraphFile, String(port)], { NODE_ENV: 'production', APOLLO_TELEMETRY_DISABLED: 'true' });
    }
    urls[variant] = `http://127.0.0.1:${port}/graphql`;
    pids[variant] = child.pid as number;
  }
  await Promise.all(Object.values(urls).map((url) => waitServing(post, url)));
  gatewayUrl = urls[flags['seed-via'] as VariantName] ?? '';
  if (!gatewayUrl || !OURS.has(flags['seed-via'] as VariantName)) throw new Error(`the seed goes through our gateway: --seed-via ${flags['seed-via']} must be one of the variants (bacbos, dedup or compiled)`);

  console.log('bench: seeding (4 users, 100 contacts, 200 leads, a shared document, a timesheet)');
  const data = await seed();
  const direct = directCalls(supergraphSdl, hostInfo.urls);
  const entities = entityCalls(supergraphSdl, hostInfo.urls);
  const directBase = baseInfo ? directCalls(supergraphSdl, baseInfo.urls) : direct;
  const entitiesBase = baseInfo ? entityCalls(supergraphSdl, baseInfo.urls) : entities;
  /** The representations of each scenario's entity fetch, from one answer of its first fetch. */
  const entityRepresentations = new Map<string, unknown[]>();
  if (variants.includes('entities') || variants.includes('entities-base')) {
    for (const scenario of scenarios) {
      const first = direct.get(scenario.name) as DirectCall;
      const entity = entities.get(scenario.name);
      if (!entity) continue;
      const variables = scenario.variables(data, 0);
      const answer = await post(first.url, { query: first.query, variables: Object.fromEntries(first.variableNames.map((name) => [name, variables[name]])) }, { 'x-bacbos-context': await callerHeader(scenario.session(data)) });
      entityRepresentations.set(scenario.name, representations(answer.body.data, entity.typename));
    }
  }
  const references = new Map<string, unknown>();
  /** A query's answers through one path must all equal its first (both builds' included). */
  const sameAsBefore = (key: string, data: unknown): string | undefined => {
    if (!references.has(key)) references.set(key, data);
    else if (!isDeepStrictEqual(references.get(key), data)) return 'the answer differs from the first one';
    return undefined;
  };

  async function run(scenario: Scenario, variant: VariantName, ms: number, counter: { n: number }): Promise<{ latencies: number[]; failed: number; firstFailure?: string }> {
    const session = scenario.session(data);
    const latencies: number[] = [];
    let failed = 0;
    let firstFailure: string | undefined;
    const deadline = Date.now() + ms;
    await Promise.all([...Array(CONNECTIONS)].map(async () => {
      while (Date.now() < deadline) {
        const variables = scenario.variables(data, counter.n++);
        const started = process.hrtime.bigint();
        let problem: string | undefined;
        try {
          if (variant === 'entities' || variant === 'entities-base') {
            const target = (variant === 'entities' ? entities : entitiesBase).get(scenario.name) as EntityCall;
            const reps = entityRepresentations.get(scenario.name) as unknown[];
            const answer = await post(target.url, { query: target.query, variables: { representations: reps } }, { 'x-bacbos-context': await callerHeader(session) });
            const found = list(answer.body.data?._entities).filter((e) => e && typeof e === 'object' && Object.keys(e).length > 0);
            if (answer.status !== 200 || answer.body.errors?.length || found.length !== reps.length) problem = `${answer.status} ${found.length} of ${reps.length} entities ${JSON.stringify(answer.body).slice(0, 300)}`;
            else problem = sameAsBefore(`entities ${scenario.name}`, answer.body.data);
          } else if (variant === 'direct' || variant === 'direct-base') {
            const target = (variant === 'direct' ? direct : directBase).get(scenario.name) as DirectCall;
            const vars = Object.fromEntries(target.variableNames.map((name) => [name, variables[name]]));
            const answer = await post(target.url, { query: target.query, variables: vars }, { 'x-bacbos-context': await callerHeader(session) });
            if (answer.status !== 200 || answer.body.errors?.length || !answer.body.data) problem = `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
            else if (scenario.stable) problem = sameAsBefore(`direct ${scenario.name}`, answer.body.data);
          } else {
            const headers: Record<string, string> = OURS.has(variant) ? { authorization: `Bearer ${await accessToken(session)}` } : { 'x-bacbos-context': await callerHeader(session) };
            const answer = await post(urls[variant] as string, { query: scenario.query, variables }, headers);
            if (answer.status !== 200 || answer.body.errors?.length || !answer.body.data) problem = `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
            else {
              problem = scenario.check(answer.body.data, variables, data);
              if (!problem && scenario.stable) {
                if (!references.has(scenario.name)) references.set(scenario.name, answer.body.data);
                else if (!isDeepStrictEqual(references.get(scenario.name), answer.body.data)) problem = 'the answer differs from the first one';
              }
            }
          }
        } catch (error) {
          problem = (error as Error).message;
        }
        if (problem) {
          failed += 1;
          firstFailure ??= problem;
        } else latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }));
    return { latencies, failed, firstFailure };
  }

  const results: Measure[] = [];
  const counter = { n: 0 };
  const started = Date.now();
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const scenario of scenarios) {
      const order = round % 2 === 1 ? variants : [...variants].reverse();
      for (const variant of order) {
        if (variant.startsWith('entities') && !entityRepresentations.has(scenario.name)) continue;
        await run(scenario, variant, WARMUP_MS, counter);
        const serving = variant.endsWith('-base') ? { pid: baseStart?.child.pid as number, info: baseInfo as HostInfo } : { pid: host.pid as number, info: hostInfo };
        if (flags.profile) await fetch(`${serving.info.statements.replace(/\/statements$/, '')}/profile/start`, { method: 'POST' });
        const processes: Record<string, number> = { subgraphs: serving.pid, ...(pids[variant] ? { gateway: pids[variant] as number } : {}) };
        const cpuBefore = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuMs(pid)]));
        const sqlBefore = await statements(serving.info.statements);
        const t0 = Date.now();
        const { latencies, failed, firstFailure } = await run(scenario, variant, DURATION_MS, counter);
        const elapsed = (Date.now() - t0) / 1000;
        const sql = (await statements(serving.info.statements)) - sqlBefore;
        if (flags.profile) await fetch(`${serving.info.statements.replace(/\/statements$/, '')}/profile/stop?file=${encodeURIComponent(join(workDir, `subgraphs-${scenario.name}-${variant}-r${round}.cpuprofile`))}`, { method: 'POST' });
        const requests = latencies.length;
        const sorted = [...latencies].sort((a, b) => a - b);
        const cpu = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, (cpuMs(pid) - cpuBefore[name]) / Math.max(1, requests + failed)]));
        const measure: Measure = { scenario: scenario.name, variant, round, requests, failed, firstFailure, rps: requests / elapsed, p50: percentile(sorted, 50), p99: percentile(sorted, 99), cpu, sqlPerRequest: sql / Math.max(1, requests + failed) };
        results.push(measure);
        console.log(`  round ${round} ${scenario.name.padEnd(13)} ${variant.padEnd(7)} ${measure.rps.toFixed(0).padStart(5)} rps  p50 ${measure.p50.toFixed(1)} ms  p99 ${measure.p99.toFixed(1)} ms  gateway ${(cpu.gateway ?? 0).toFixed(2)}  subgraphs ${cpu.subgraphs.toFixed(2)} CPU-ms/req  ${measure.sqlPerRequest.toFixed(1)} SQL/req  load ${loadavg()[0].toFixed(1)}${failed ? `  FAILED ${failed}: ${firstFailure}` : ''}`);
      }
    }
  }

  // ---- the tables
  const fmt = (values: number[], digits = 1) => values.map((v) => (Number.isFinite(v) ? v.toFixed(digits) : '–')).join(' / ');
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  console.log(`\n## Gateway benchmark: ${CONNECTIONS} connections, ${DURATION_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up, ${ROUNDS} interleaved rounds (values per round), ${canPin ? `gateways on CPU ${gatewayCpu}, subgraphs on CPU ${subgraphCpu}` : 'not pinned (no taskset)'}; ${((Date.now() - started) / 1000).toFixed(0)} s; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min)`);
  for (const scenario of scenarios) {
    console.log(`\n### ${scenario.name}\n`);
    console.log('| variant | RPS | p50 ms | p99 ms | gateway CPU-ms/req | subgraphs CPU-ms/req | SQL/req | failed |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const variant of variants) {
      const rows = results.filter((r) => r.scenario === scenario.name && r.variant === variant);
      console.log(`| ${variant} | ${fmt(rows.map((r) => r.rps), 0)} | ${fmt(rows.map((r) => r.p50))} | ${fmt(rows.map((r) => r.p99))} | ${SUBGRAPH_ONLY.has(variant) ? '–' : fmt(rows.map((r) => r.cpu.gateway), 2)} | ${fmt(rows.map((r) => r.cpu.subgraphs), 2)} | ${fmt(rows.map((r) => r.sqlPerRequest))} | ${rows.reduce((a, r) => a + r.failed, 0)} |`);
    }
    // Each of our variants against every other gateway measured (the peers, and bacbos for the others).
    for (const own of variants.filter((v) => OURS.has(v))) {
      const ours = results.filter((r) => r.scenario === scenario.name && r.variant === own);
      for (const peer of variants.filter((v) => v !== own && !SUBGRAPH_ONLY.has(v) && (!OURS.has(v) || v === 'bacbos'))) {
        const theirs = results.filter((r) => r.scenario === scenario.name && r.variant === peer);
        if (!ours.length || !theirs.length) continue;
        const ratio = (key: 'gateway' | 'subgraphs') => mean(ours.map((r) => r.cpu[key])) / mean(theirs.map((r) => r.cpu[key]));
        console.log(`\n${own} / ${peer}: gateway CPU ×${ratio('gateway').toFixed(2)}, subgraph CPU ×${ratio('subgraphs').toFixed(2)}, RPS ×${(mean(ours.map((r) => r.rps)) / mean(theirs.map((r) => r.rps))).toFixed(2)}`);
      }
    }
  }
  for (const scenario of scenarios) {
    for (const kind of ['direct', 'entities'] as const) {
      const now = results.filter((r) => r.scenario === scenario.name && r.variant === kind);
      const before = results.filter((r) => r.scenario === scenario.name && r.variant === `${kind}-base`);
      if (now.length && before.length) console.log(`\n${scenario.name} ${kind} / ${kind}-base: subgraph CPU ×${(mean(now.map((r) => r.cpu.subgraphs)) / mean(before.map((r) => r.cpu.subgraphs))).toFixed(2)} (${fmt(now.map((r) => r.cpu.subgraphs), 2)} vs ${fmt(before.map((r) => r.cpu.subgraphs), 2)} CPU-ms per call)`);
    }
  }
  console.log('\n| process | peak RSS MB |\n|---|---|');
  console.log(`| subgraphs | ${peakRssMb(host.pid as number).toFixed(0)} |`);
  if (baseStart) console.log(`| subgraphs-base | ${peakRssMb(baseStart.child.pid as number).toFixed(0)} |`);
  for (const [variant, pid] of Object.entries(pids)) console.log(`| ${variant} | ${peakRssMb(pid).toFixed(0)} |`);
  if (flags.json) {
    mkdirSync(join(flags.json, '..'), { recursive: true });
    writeFileSync(flags.json, JSON.stringify({ connections: CONNECTIONS, durationMs: DURATION_MS, results }, null, 2));
  }
  const failures = results.reduce((a, r) => a + r.failed, 0);
  if (failures) console.log(`\n${failures} responses failed their check (they are not counted); logs in ${workDir}`);
  if (flags.profile) console.log(`\nCPU profiles (the gateway's written at exit; the subgraphs' one per measured window): ${workDir}/*.cpuprofile; summarise with npx tsx bench/profile-top.ts <file>`);
}

main()
  .then(async () => {
    await processes.stopAll();
    await dropBenchDatabase();
    process.exit(0);
  }, async (error) => {
    console.error(error);
    await processes.stopAll();
    await dropBenchDatabase().catch(() => undefined);
    console.error(`logs: ${workDir}`);
    process.exit(1);
  });

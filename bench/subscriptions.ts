// Benchmark (run on demand, prints numbers; not a timed test): live subscriptions at scale, with
// the clients in processes of their own, through the compiled gateway, relays and Kafka.
//
//   subgraphs   the five subgraphs in one process (bench/subgraph-host.cjs, from dist/), relays
//               publishing to Kafka;
//   gateway     the measured gateway (dist/gateway/src/main.js), pinned to --gateway-cpu: it serves
//               the WebSockets and consumes the topics, nothing else;
//   writer      a second gateway the writers' mutations go through, so the measured one's CPU is
//               the fan-out's alone;
//   clients     --workers processes (bench/subscription-clients.cjs) holding the sockets.
// The clients and the writers are pinned to --client-cpu, away from the measured gateway on
// --gateway-cpu (taskset, where there are 2 cores); the subgraphs and the writers' gateway may run on
// any core (--platform-cpu any: on a shared 2-core machine they are the most starved).
//
// Scenarios:
//   1. one subscriber, 200 sequential mutations (after 20 of warm-up);
//   2. 1,000 subscribers over 50 tenants (20 each; each tenant's owner), 500 mutations from 50
//      writers (one per tenant, 10 each, one per --interval ms: 50 events/s, 1,000 deliveries/s by
//      default; --interval 0 sends each as soon as the previous returned, which saturates the
//      subgraphs' core and measures the backlog instead);
//   3. the same 1,000 plus 9,000 idle sockets (acknowledged, no subscription): RSS per idle socket
//      ((RSS after - RSS before) / sockets), then 500 mutations again with 10,000 sockets open.
// Every delivered event is checked before it counts: the socket's tenant is the mutation's, the
// contact is the one created (id, email), the actor is the tenant's owner, no errors, and each
// socket receives each event once. Latency is from the mutation's HTTP response at the writer
// (the transaction committed before it was sent, so this is a lower bound of commit-to-client; the
// "from send" column is an upper bound) to the socket's receipt in its client process (both epoch
// clocks of this machine). Payload executions per event and deliveries come from the gateway's
// /metrics; CPU-ms per delivery from /proc/<pid>/stat of the measured gateway. Per scenario it
// also prints where an event's time went (bacbos_event_stage_seconds of the relay and the gateway:
// mean and the bucket holding the p99) and how long each process waited for a core.
//
// Usage: eval "$(bash scripts/services.sh env)"; npm run bench:subscriptions -- [--tenants 50]
//   [--per-tenant 20] [--idle 9000] [--mutations 10] [--interval 1000] [--workers 4] [--gateway-cpu 0]
//   [--client-cpu 1] [--platform-cpu 1|any] [--scenarios 1,2,3] [--json out.json]
// The sockets need file descriptors: it raises its soft limit (`ulimit -n`) to the hard one and
// says so; each process inherits it.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, getPriority, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { SUBGRAPHS } from '@bacbos/common';
import { build, buildIsFresh, DIST } from '../scripts/build';
import { migrateAll } from '../scripts/platform';
import { commandOf, deployedProcess, subgraphUrlVariable } from '../scripts/processes';
import { BenchProcesses, canPin, contractOperation, cpuMs, freePort, jsonPoster, percentile, waitServing } from './harness';

const { values: flags } = parseArgs({
  options: {
    tenants: { type: 'string', default: '50' },
    'per-tenant': { type: 'string', default: '20' },
    idle: { type: 'string', default: '9000' },
    mutations: { type: 'string', default: '10' },
    /** Each writer sends one mutation per this many ms (0: each as soon as the previous returned). */
    interval: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '4' },
    'gateway-cpu': { type: 'string', default: '0' },
    'client-cpu': { type: 'string', default: '1' },
    /** Where the subgraphs and the writers' gateway run: a CPU list, or 'any' (not pinned). */
    'platform-cpu': { type: 'string', default: 'any' },
    scenarios: { type: 'string', default: '1,2,3' },
    json: { type: 'string' },
  },
});
const TENANTS = Number(flags.tenants);
const PER_TENANT = Number(flags['per-tenant']);
const IDLE = Number(flags.idle);
const MUTATIONS = Number(flags.mutations);
const INTERVAL_MS = Number(flags.interval);
const WORKERS = Number(flags.workers);
const SCENARIOS = new Set(flags.scenarios.split(','));
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

// ---------------------------------------------------------------- processes

const processes = new BenchProcesses('subscriptions');
const { workDir } = processes;

function pin(pid: number, cpu: string): void {
  if (canPin) execFileSync('taskset', ['-pc', cpu, String(pid)], { stdio: 'ignore' });
}

/** Time the process's main thread spent runnable but waiting for a core, in ms (/proc/<pid>/schedstat): a starved process shows low CPU and high waits. */
function runQueueWaitMs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
}

/**
 * With the kernel's autogroups (sched_autogroup_enabled), a process's nice value only ranks it
 * within its session's group, and every group (each other engineer's shell, PostgreSQL, each Kafka
 * broker) gets an equal share: `nice -n -10 npm run bench:subscriptions` changed nothing. So the
 * bench gives its own group its nice value (root only; the processes it starts are in that group).
 */
let autogroupBefore: string | undefined;
function niceAutogroup(): string {
  const nice = getPriority();
  if (nice >= 0) return `nice ${nice}`;
  try {
    const before = /nice (-?\d+)/.exec(readFileSync('/proc/self/autogroup', 'utf8'))?.[1];
    writeFileSync('/proc/self/autogroup', String(nice));
    autogroupBefore = before;
    return `nice ${nice}, its autogroup too (${readFileSync('/proc/self/autogroup', 'utf8').trim()})`;
  } catch (error) {
    return `nice ${nice} (its autogroup's could not be set: ${(error as Error).message}; with autogroups, nice ranks only within the group)`;
  }
}

/** The group's nice value as it was (the group is the shell's session, which outlives the bench). */
function restoreAutogroup(): void {
  if (autogroupBefore === undefined) return;
  try {
    writeFileSync('/proc/self/autogroup', autogroupBefore);
  } catch {
    // nothing to undo
  }
}

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

/** The soft file-descriptor limit raised to the hard one, for this process and its children. */
function raiseFileLimit(): string {
  const hard = execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${hard}:${hard}`], { stdio: 'ignore' });
    return `file limit (ulimit -n) raised to ${hard}`;
  } catch {
    return `file limit (ulimit -n) ${execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()} (prlimit unavailable; raise it with ulimit -n ${hard})`;
  }
}

// ---------------------------------------------------------------- HTTP

const post = jsonPoster(100);

async function metric(base: string, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`) || (labels === '' && l.startsWith(`${name} `)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

interface Series { sum: number; count: number; buckets: Map<number, number> }

/** The sum, count and cumulative buckets of a histogram's series (for means and percentiles over a window). */
async function histogram(base: string, name: string, labels: string): Promise<Series> {
  const lines = (await (await fetch(`${base}/metrics`)).text()).split('\n');
  const value = (suffix: string) => Number(lines.find((l) => l.startsWith(`${name}_${suffix}{${labels}}`))?.split(' ').pop() ?? 0);
  const buckets = new Map<number, number>();
  for (const line of lines) {
    if (!line.startsWith(`${name}_bucket{`) || !line.includes(labels)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1] ?? '';
    buckets.set(le === '+Inf' ? Infinity : Number(le), Number(line.split(' ').pop()));
  }
  return { sum: value('sum'), count: value('count'), buckets };
}

/** The upper bound of the bucket holding the p-th percentile of the observations between two readings. */
function bucketPercentile(before: Series, after: Series, p: number): number {
  const total = after.count - before.count;
  if (!total) return NaN;
  for (const [le, cumulative] of [...after.buckets].sort((a, b) => a[0] - b[0])) {
    if (cumulative - (before.buckets.get(le) ?? 0) >= (p / 100) * total) return le;
  }
  return Infinity;
}

/** The stages of bacbos_event_stage_seconds, in an event's order, and which process observes each. */
const STAGES = [
  ['outbox_pickup', 'subgraphs'], ['kafka_produce', 'subgraphs'], ['kafka_consume', 'gateway'],
  ['payload_wait', 'gateway'], ['payload_execution', 'gateway'], ['ordering', 'gateway'],
] as const;

/** Where an event's time went, stage by stage (the relay's in the subgraphs, the rest in the gateway): means over a window, in ms. */
async function breakdown(base: string, subgraphsBase: string): Promise<Record<string, Series>> {
  const stages = await Promise.all(STAGES.map(([stage, where]) => histogram(where === 'gateway' ? base : subgraphsBase, 'bacbos_event_stage_seconds', `stage="${stage}"`)));
  const [crm, platform, delivery] = await Promise.all([
    histogram(base, 'bacbos_gateway_subgraph_fetch_duration_seconds', 'subgraph="crm",operation="BacbosSubscriptionEvent"'),
    histogram(base, 'bacbos_gateway_subgraph_fetch_duration_seconds', 'subgraph="platform",operation="BacbosSubscriptionEvent"'),
    histogram(base, 'bacbos_subscription_delivery_seconds', 'route="contactEvents"'),
  ]);
  return {
    ...Object.fromEntries(STAGES.map(([stage], i) => [stage, stages[i]])),
    'payload fetch crm': crm, 'payload fetch platform': platform, 'occurredAt to hand-over (gateway)': delivery,
  };
}

const operation = contractOperation;
const SUBSCRIPTION = operation('crm', 'ContactEvents');
const CREATE_CONTACT = operation('crm', 'CreateContact');

// ---------------------------------------------------------------- tenants and clients

interface Tenant { index: number; id: string; email: string; token: string }

async function signUp(writerUrl: string, index: number): Promise<Tenant> {
  const slug = `bench-subs-${index}-${randomUUID().slice(0, 8)}`;
  const email = `owner@${slug}.example`;
  const answer = await post(writerUrl, { query: operation('platform', 'SignUp'), variables: { input: { tenantName: `Bench subs ${index}`, tenantSlug: slug, email, password: 'bench password 1234', firstName: 'Olive', lastName: 'Owner' } } });
  const data = answer.body.data?.signUp as { accessToken: string; tenant: { id: string } } | undefined;
  if (!data) throw new Error(`signUp: ${answer.status} ${JSON.stringify(answer.body.errors)}`);
  return { index, id: data.tenant.id, email, token: data.accessToken };
}

interface SocketSpec { key: number; token: string; query?: string }
type Arrival = [key: number, at: number, payload: { data?: { contactEvents?: { type: string; contact: { id: string; email: string } | null; actor: { email: string } | null } }; errors?: unknown[] }];

class Clients {
  private readonly workers: ChildProcess[] = [];
  get pids(): number[] {
    return this.workers.map((w) => w.pid as number);
  }
  private nextKey = 0;
  readonly tenantOf = new Map<number, number>();
  onArrivals: (arrivals: Arrival[]) => void = () => undefined;
  readonly problems: string[] = [];

  constructor(count: number, cpu: string) {
    for (let i = 0; i < count; i += 1) {
      const worker = fork(join(__dirname, 'subscription-clients.cjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
      pin(worker.pid as number, cpu);
      worker.on('message', (message: { cmd: string; arrivals?: Arrival[]; problems?: { key: number; problem: string }[] }) => {
        if (message.cmd !== 'arrivals') return;
        if (message.arrivals?.length) this.onArrivals(message.arrivals);
        for (const { key, problem } of message.problems ?? []) this.problems.push(`socket ${key} (tenant ${this.tenantOf.get(key)}): ${problem}`);
      });
      processes.adopt(worker);
      this.workers.push(worker);
    }
  }

  private ask<T>(worker: ChildProcess, order: object, answer: string): Promise<T> {
    return new Promise((resolve) => {
      const listen = (message: { cmd: string }) => {
        if (message.cmd !== answer) return;
        worker.off('message', listen);
        resolve(message as T);
      };
      worker.on('message', listen);
      worker.send(order);
    });
  }

  /** Opens sockets for `tenants` (each `perTenant`), spread over the workers; returns their keys. */
  async open(url: string, tenants: Tenant[], perTenant: number, subscribe: boolean): Promise<number[]> {
    const specs: SocketSpec[] = [];
    for (let i = 0; i < perTenant; i += 1) {
      for (const tenant of tenants) {
        const key = this.nextKey++;
        this.tenantOf.set(key, tenant.index);
        specs.push({ key, token: tenant.token, ...(subscribe ? { query: SUBSCRIPTION } : {}) });
      }
    }
    const shares = this.workers.map((_, w) => specs.filter((_s, i) => i % this.workers.length === w));
    const answers = await Promise.all(this.workers.map((worker, w) => this.ask<{ ok: number; failed: number; firstFailure?: string; retried: number }>(worker, { cmd: 'open', url, sockets: shares[w] }, 'opened')));
    const failed = answers.reduce((n, a) => n + a.failed, 0);
    const retried = answers.reduce((n, a) => n + a.retried, 0);
    if (retried) console.log(`  (${retried} connection_inits answered 1013 "try again later" and were retried)`);
    if (failed) throw new Error(`${failed} sockets failed to open: ${answers.find((a) => a.firstFailure)?.firstFailure}`);
    return specs.map((s) => s.key);
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.workers.map((worker) => this.ask(worker, { cmd: 'close' }, 'closed')));
  }
}

// ---------------------------------------------------------------- measuring

interface Expected { tenant: number; id: string; owner: string; sentAt: number; committedAt: number; keys: Set<number> }

class Ledger {
  readonly expected = new Map<string, Expected>();
  readonly latencies: number[] = [];
  readonly fromSend: number[] = [];
  readonly wrong: string[] = [];
  /** Mutations the platform refused (not counted), and their emails. */
  readonly failedMutations: string[] = [];
  readonly abandoned = new Set<string>();
  delivered = 0;
  duplicates = 0;
  lastArrival = 0;
  private early: Arrival[] = [];

  constructor(private readonly clients: Clients) {}

  record(arrivals: Arrival[]): void {
    for (const arrival of arrivals) {
      const email = arrival[2].data?.contactEvents?.contact?.email;
      if (email && this.abandoned.has(email)) continue;
      const expected = email ? this.expected.get(email) : undefined;
      if (expected && !expected.committedAt) this.early.push(arrival); // the response is still on its way
      else this.check(arrival);
    }
  }

  /** Arrivals that came before their mutation's response are checked once it is in. */
  settle(): void {
    const early = this.early;
    this.early = [];
    this.record(early);
  }

  private check([key, at, payload]: Arrival): void {
    const event = payload.data?.contactEvents;
    const email = event?.contact?.email;
    const expected = email ? this.expected.get(email) : undefined;
    const tenant = this.clients.tenantOf.get(key);
    let problem: string | undefined;
    if (payload.errors?.length) problem = `errors ${JSON.stringify(payload.errors).slice(0, 200)}`;
    else if (!expected) problem = `an event nobody expected: ${JSON.stringify(payload).slice(0, 200)}`;
    else if (expected.tenant !== tenant) problem = `tenant ${expected.tenant}'s contact reached a socket of tenant ${tenant}`;
    else if (event?.contact?.id !== expected.id || event.type !== 'created' || event.actor?.email !== expected.owner) problem = `wrong object: ${JSON.stringify(event)}`;
    if (problem) {
      this.wrong.push(problem);
      return;
    }
    if (expected!.keys.has(key)) {
      this.duplicates += 1;
      return;
    }
    expected!.keys.add(key);
    this.delivered += 1;
    this.latencies.push(at - expected!.committedAt);
    this.fromSend.push(at - expected!.sentAt);
    this.lastArrival = Math.max(this.lastArrival, at);
  }

  reset(): void {
    this.latencies.length = 0;
    this.fromSend.length = 0;
    this.delivered = 0;
    this.duplicates = 0;
    this.lastArrival = 0;
  }
}


interface Row {
  scenario: string;
  sockets: number;
  subscribers: number;
  mutations: number;
  delivered: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  p99FromSend: number;
  eventsPerSecond: number;
  executionsPerEvent: number;
  gatewayCpuMsPerDelivery: number;
  /** Less the background (the CPU the gateway spent per second, idle, just before). */
  gatewayNetCpuMsPerDelivery: number;
  backgroundCpuMsPerS: number;
  rssPerIdleSocketKb?: number;
  wrong: number;
  duplicates: number;
  failedMutations: number;
  load: string;
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL (eval "$(bash scripts/services.sh env)")');
  if (!process.env.KAFKA_BROKERS) throw new Error('set KAFKA_BROKERS: the gateway runs in a process of its own and reads the events from Kafka');
  const fileLimit = raiseFileLimit();
  const priority = niceAutogroup();
  const clientCpu = flags['client-cpu'];
  const platformCpu = flags['platform-cpu'] === 'any' ? cpus().map((_, i) => i).join(',') : flags['platform-cpu'];
  const gatewayCpu = flags['gateway-cpu'];
  pin(process.pid, clientCpu); // the writers run here
  if (!buildIsFresh()) {
    console.log('bench: dist/ is older than the sources, building');
    build(console.log);
  }

  const server = new URL(process.env.DATABASE_URL);
  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS bacbos_bench_subscriptions WITH (FORCE)');
  await admin.query('CREATE DATABASE bacbos_bench_subscriptions');
  await admin.end();
  server.pathname = '/bacbos_bench_subscriptions';
  process.env.DATABASE_URL = server.toString();
  process.env.APP_DB_PASSWORD ??= 'bacbos-test-app-role';
  await migrateAll();

  const shared: Record<string, string> = {
    NODE_ENV: 'production', DATABASE_URL: server.toString(), APP_DB_PASSWORD: process.env.APP_DB_PASSWORD, INTERNAL_CONTEXT_SECRET: randomBytes(32).toString('hex'),
    ACCESS_TOKEN_SECRET: randomBytes(32).toString('hex'), APOLLO_TELEMETRY_DISABLED: 'true', KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    // The plans' per-minute budgets (and the starter plan's 25 sockets), and the sign-ups per address,
    // would refuse a load test.
    TENANT_BUDGET_SCALE: '10000', RATE_LIMIT_SIGNUPS_PER_HOUR: '100000', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `bench-subscriptions-${process.pid}:` } : {}),
  };
  const { child: host, info } = processes.startSubgraphHost('subgraphs', platformCpu, [], shared);
  const hostInfo = await info;
  const subgraphsBase = new URL(hostInfo.urls.crm).origin; // every subgraph of the host serves the process's /metrics
  const spec = deployedProcess('gateway');
  const startGateway = async (name: string, cpu: string) => {
    const port = await freePort();
    const env = { ...shared, HOST: '127.0.0.1', [spec.portVariable as string]: String(port), ...Object.fromEntries(SUBGRAPHS.map((s) => [subgraphUrlVariable(s), hostInfo.urls[s]])) };
    const child = processes.start(name, cpu, commandOf(spec).slice(1).map((arg) => (arg.startsWith('dist/') ? join(DIST, arg.slice(5)) : arg)), env);
    return { url: `http://127.0.0.1:${port}/graphql`, base: `http://127.0.0.1:${port}`, pid: child.pid as number };
  };
  const gateway = await startGateway('gateway', gatewayCpu);
  const writer = await startGateway('writer-gateway', platformCpu);
  await Promise.all([waitServing(post, gateway.url, {}, 180_000), waitServing(post, writer.url, {}, 180_000)]);
  const wsUrl = gateway.url.replace(/^http/, 'ws');
  console.log(`bench: ${cpus().length} cores; ${canPin ? `measured gateway on CPU ${gatewayCpu}; ${WORKERS} client processes and the writers on CPU ${clientCpu}; subgraphs and the writers' gateway on CPU ${platformCpu}` : 'not pinned'}; ${fileLimit}; ${priority}; logs in ${workDir}`);

  const clients = new Clients(WORKERS, clientCpu);
  const ledger = new Ledger(clients);
  clients.onArrivals = (arrivals) => ledger.record(arrivals);

  async function mutate(tenant: Tenant, email: string): Promise<boolean> {
    const expected: Expected = { tenant: tenant.index, id: '', owner: tenant.email, sentAt: now(), committedAt: 0, keys: new Set() };
    ledger.expected.set(email, expected);
    const answer = await post(writer.url, { query: CREATE_CONTACT, variables: { input: { firstName: 'B', lastName: 'M', email } } }, { authorization: `Bearer ${tenant.token}` });
    const created = answer.body.data?.createContact as { id: string } | undefined;
    if (!created) {
      // A starved platform refuses some (Prisma: "Unable to start a transaction in the given time"):
      // not counted, and should its event come after all, it is neither expected nor wrong.
      ledger.expected.delete(email);
      ledger.abandoned.add(email);
      ledger.failedMutations.push(`${answer.status} ${JSON.stringify(answer.body.errors).slice(0, 200)}`);
      return false;
    }
    expected.id = created.id;
    expected.committedAt = now();
    ledger.settle();
    return true;
  }

  async function waitDelivered(emails: string[], each: number, settleMs = 300, timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!emails.every((e) => ledger.expected.get(e)!.keys.size >= each)) {
      if (Date.now() > deadline) {
        const missing = emails.reduce((n, e) => n + each - ledger.expected.get(e)!.keys.size, 0);
        throw new Error(`${missing} deliveries missing after ${timeoutMs / 1000} s; wrong: ${ledger.wrong.slice(0, 3).join('; ')}; problems: ${clients.problems.slice(0, 3).join('; ')}`);
      }
      if (ledger.wrong.length || clients.problems.length) throw new Error(`a delivery failed its check: ${[...ledger.wrong, ...clients.problems].slice(0, 3).join('; ')}`);
      await sleep(5);
    }
    await sleep(settleMs); // a duplicate or a stray event would come now
    ledger.settle();
  }

  const rows: Row[] = [];
  /** One measured round of writers: each tenant's writer sends `perWriter` mutations in a row. */
  async function measure(scenario: string, writers: Tenant[], perWriter: number, subscribersPerTenant: number, sockets: number, paceMs = 0, extra: Partial<Row> = {}): Promise<Row> {
    ledger.reset();
    const wrongBefore = ledger.wrong.length;
    const failedBefore = ledger.failedMutations.length;
    const eventsBefore = await metric(gateway.base, 'bacbos_gateway_subscription_events_total', 'route="contactEvents"');
    const executionsBefore = await metric(gateway.base, 'bacbos_gateway_subscription_executions_total', 'route="contactEvents"');
    // The measured gateway also consumes whatever else goes through the shared Kafka topics (other
    // runs' events, of other tenants): that background, measured idle just before, is taken off.
    const phasesBefore = await breakdown(gateway.base, subgraphsBase);
    const others = { subgraphs: host.pid as number, 'writers\' gateway': writer.pid, ...Object.fromEntries(clients.pids.map((pid, i) => [`client ${i + 1}`, pid])) };
    const othersBefore = Object.fromEntries(Object.entries(others).map(([name, pid]) => [name, cpuMs(pid)]));
    const starved = { gateway: gateway.pid, subgraphs: host.pid as number, 'writers\' gateway': writer.pid };
    const waitsBefore = Object.fromEntries(Object.entries(starved).map(([name, pid]) => [name, runQueueWaitMs(pid)]));
    const mutationMs: number[] = [];
    const idleFrom = cpuMs(gateway.pid);
    await sleep(2_000);
    const cpuBefore = cpuMs(gateway.pid);
    const backgroundPerMs = (cpuBefore - idleFrom) / 2_000;
    const started = now();
    const emails: string[] = [];
    const run = `${scenario.replace(/\W/g, '')}-${Date.now()}`;
    await Promise.all(writers.map(async (tenant) => {
      // Paced writers: each starts at a random point of the first interval, then one mutation per
      // interval (the next goes at once when one took longer); interval 0 is as fast as they can.
      const offset = Math.random() * paceMs;
      for (let i = 0; i < perWriter; i += 1) {
        if (paceMs) await sleep(Math.max(0, started + offset + i * paceMs - now()));
        const email = `${run}-t${tenant.index}-${i}@fan.bench`;
        const sent = now();
        if (!(await mutate(tenant, email))) continue;
        emails.push(email);
        mutationMs.push(now() - sent);
        if (writers.length === 1) await waitDelivered([email], subscribersPerTenant, 0); // sequential: one event in flight
      }
    }));
    await waitDelivered(emails, subscribersPerTenant);
    const cpu = cpuMs(gateway.pid) - cpuBefore;
    const cpuNet = Math.max(0, cpu - backgroundPerMs * (now() - started));
    const elapsed = (ledger.lastArrival - started) / 1000;
    const events = (await metric(gateway.base, 'bacbos_gateway_subscription_events_total', 'route="contactEvents"')) - eventsBefore;
    const executions = (await metric(gateway.base, 'bacbos_gateway_subscription_executions_total', 'route="contactEvents"')) - executionsBefore;
    const sorted = [...ledger.latencies].sort((a, b) => a - b);
    const phasesAfter = await breakdown(gateway.base, subgraphsBase);
    const phases = Object.entries(phasesAfter).map(([name, after]) => {
      const before = phasesBefore[name];
      const mean = (1000 * (after.sum - before.sum)) / Math.max(1, after.count - before.count);
      return `${name} ${mean.toFixed(1)} ms (p99 ≤ ${(1000 * bucketPercentile(before, after, 99)).toFixed(0)})`;
    });
    const mutations = [...mutationMs].sort((a, b) => a - b);
    const window = (now() - started) / 1000;
    console.log(`    CPU-ms per s of the run: gateway ${(cpu / window).toFixed(0)}, ${Object.entries(others).map(([name, pid]) => `${name} ${((cpuMs(pid) - othersBefore[name]) / window).toFixed(0)}`).join(', ')}`);
    console.log(`    ms per s runnable but waiting for a core (main thread): ${Object.entries(starved).map(([name, pid]) => `${name} ${((runQueueWaitMs(pid) - waitsBefore[name]) / window).toFixed(0)}`).join(', ')}`);
    console.log(`    stages, mean and the p99's bucket: ${phases.join(', ')}; writers' mutation p50 ${percentile(mutations, 50).toFixed(0)} ms, p99 ${percentile(mutations, 99).toFixed(0)} ms`);
    const row: Row = {
      scenario, sockets, subscribers: writers.length * subscribersPerTenant, mutations: emails.length, delivered: ledger.delivered, expected: emails.length * subscribersPerTenant,
      p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1],
      p99FromSend: percentile([...ledger.fromSend].sort((a, b) => a - b), 99),
      eventsPerSecond: ledger.delivered / elapsed, executionsPerEvent: executions / Math.max(1, events), gatewayCpuMsPerDelivery: cpu / Math.max(1, ledger.delivered), gatewayNetCpuMsPerDelivery: cpuNet / Math.max(1, ledger.delivered), backgroundCpuMsPerS: backgroundPerMs * 1000,
      wrong: ledger.wrong.length - wrongBefore, duplicates: ledger.duplicates, failedMutations: ledger.failedMutations.length - failedBefore, load: load(), ...extra,
    };
    rows.push(row);
    console.log(`  ${scenario}: ${row.delivered}/${row.expected} delivered, p50 ${row.p50.toFixed(0)} ms, p99 ${row.p99.toFixed(0)} ms (from send ${row.p99FromSend.toFixed(0)}), ` +
      `${row.eventsPerSecond.toFixed(0)} deliveries/s, ${row.executionsPerEvent.toFixed(2)} executions/event, ${row.gatewayCpuMsPerDelivery.toFixed(3)} gateway CPU-ms/delivery (${row.gatewayNetCpuMsPerDelivery.toFixed(3)} less the idle ${row.backgroundCpuMsPerS.toFixed(0)} CPU-ms/s); load ${row.load}`);
    return row;
  }

  console.log('bench: signing up tenants');
  const tenants: Tenant[] = [];
  for (let i = 0; i <= TENANTS; i += 8) tenants.push(...(await Promise.all([...Array(Math.min(8, TENANTS + 1 - i)).keys()].map((k) => signUp(writer.url, i + k)))));
  const solo = tenants[TENANTS];
  const fan = tenants.slice(0, TENANTS);

  if (SCENARIOS.has('1')) {
    await clients.open(wsUrl, [solo], 1, true);
    await sleep(500);
    await measure('warm-up', [solo], 20, 1, 1);
    rows.pop();
    await measure('1 subscriber, 200 sequential mutations', [solo], 200, 1, 1);
    await clients.closeAll();
  }
  const pace = INTERVAL_MS ? ` (each 1 per ${INTERVAL_MS} ms)` : ' (each as fast as it can)';
  if (SCENARIOS.has('2') || SCENARIOS.has('3')) {
    const t0 = now();
    await clients.open(wsUrl, fan, PER_TENANT, true);
    console.log(`  ${fan.length * PER_TENANT} subscribers connected in ${((now() - t0) / 1000).toFixed(1)} s`);
    await sleep(1_000);
    await measure('warm-up', fan, 2, PER_TENANT, fan.length * PER_TENANT, INTERVAL_MS);
    rows.pop();
    if (SCENARIOS.has('2')) await measure(`${fan.length * PER_TENANT} subscribers / ${fan.length} tenants, ${fan.length} writers${pace}`, fan, MUTATIONS, PER_TENANT, fan.length * PER_TENANT, INTERVAL_MS);
    if (SCENARIOS.has('3')) {
      await sleep(3_000);
      const before = rssKb(gateway.pid);
      const t1 = now();
      const perTenant = Math.ceil(IDLE / fan.length);
      await clients.open(wsUrl, fan, perTenant, false);
      const opened = perTenant * fan.length;
      console.log(`  ${opened} idle sockets opened in ${((now() - t1) / 1000).toFixed(1)} s`);
      await sleep(5_000);
      const after = rssKb(gateway.pid);
      const sockets = fan.length * PER_TENANT + opened;
      console.log(`  gateway RSS ${(before / 1024).toFixed(0)} MB → ${(after / 1024).toFixed(0)} MB with ${opened} idle sockets: ${((after - before) / opened).toFixed(1)} KB per idle socket`);
      await measure(`${sockets} sockets, ${fan.length * PER_TENANT} subscribed, ${fan.length} writers${pace}`, fan, MUTATIONS, PER_TENANT, sockets, INTERVAL_MS, { rssPerIdleSocketKb: (after - before) / opened });
    }
    await clients.closeAll();
  }

  console.log(`\n## Subscription benchmark (${cpus().length} cores; ${canPin ? `gateway on CPU ${gatewayCpu}, clients and writers on CPU ${clientCpu}, subgraphs and writers' gateway on CPU ${platformCpu}` : 'not pinned'}; Kafka ${process.env.KAFKA_BROKERS})\n`);
  console.log('| scenario | delivered | p50 ms | p99 ms | max ms | p99 from send ms | deliveries/s | payload executions/event | gateway CPU-ms/delivery (less idle) | RSS KB/idle socket | wrong | dup | refused mutations | load avg |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.scenario} | ${r.delivered}/${r.expected} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.max.toFixed(0)} | ${r.p99FromSend.toFixed(0)} | ${r.eventsPerSecond.toFixed(0)} | ${r.executionsPerEvent.toFixed(2)} | ${r.gatewayCpuMsPerDelivery.toFixed(3)} (${r.gatewayNetCpuMsPerDelivery.toFixed(3)}) | ${r.rssPerIdleSocketKb?.toFixed(1) ?? '–'} | ${r.wrong} | ${r.duplicates} | ${r.failedMutations} | ${r.load} |`);
  }
  if (ledger.wrong.length) console.log(`\nwrong deliveries (not counted): ${ledger.wrong.slice(0, 5).join('\n  ')}`);
  if (ledger.failedMutations.length) console.log(`\nmutations the platform refused (not counted): ${ledger.failedMutations.length}, first: ${ledger.failedMutations[0]}`);
  if (clients.problems.length) console.log(`\nsocket problems: ${clients.problems.slice(0, 5).join('\n  ')}`);
  if (flags.json) {
    mkdirSync(join(flags.json, '..'), { recursive: true });
    writeFileSync(flags.json, JSON.stringify(rows, null, 2));
  }
  if (ledger.wrong.length || rows.some((r) => r.duplicates)) process.exitCode = 1;
}

main()
  .finally(restoreAutogroup)
  .then(async () => {
    await processes.stopAll();
    process.exit(process.exitCode ?? 0);
  }, async (error) => {
    console.error(error);
    await processes.stopAll();
    console.error(`logs: ${workDir}`);
    process.exit(1);
  });

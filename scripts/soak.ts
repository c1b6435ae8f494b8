// `npm run soak -- --minutes N --rate R [--tenants T] [--faults [redis,postgres,subgraph,gateway,kafka]]
//                 [--fault-every S] [--fault-down S] [--json FILE] [--keep-logs]`
//
// Mixed contract traffic (queries and mutations of platform, crm, hr, office and identity) over
// several tenants, with two live `contactEvents` subscribers per tenant (one starting on each
// gateway), against the production topology (scripts/topology.ts: every process on its own from
// dist/, two gateways). With --faults, faults are injected on a schedule, one at a time, cycling
// through the list: Redis killed and restarted empty, PostgreSQL stopped (fast) and started, the
// crm subgraph SIGKILLed and restarted, a gateway SIGKILLed and restarted, one Kafka broker of three
// SIGKILLed and restarted. Redis and PostgreSQL are always private instances of this run (as are
// the three Kafka brokers with the kafka fault; otherwise the Kafka of KAFKA_BROKERS or
// scripts/services.sh): the shared test services are never touched.
//
// Clients behave as real ones: HTTP requests go to the gateways round robin, and a request refused
// at connect (a dead gateway) goes to the other one, as a load balancer does; a subscriber whose
// stream ends or whose socket drops reconnects to the other gateway and resumes with `after:` its
// last event id. Access tokens are refreshed every 10 minutes.
//
// Reports: errors outside fault windows (a window runs from a fault's injection until 10 s after
// its dependency is back; must be 0), p50/p99 per operation, events lost and duplicated per
// subscriber (must be 0), per fault how long requests failed and how long after the restore the
// last failure was, and memory (RSS) growth per process. Exits 1 when a must-be-0 number is not.
import { randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import { Kafka, logLevel } from 'kafkajs';
import { Agent, fetch } from 'undici';
import WebSocket from 'ws';
import { contractOperation as op } from '../tests/helpers/graphql';
import { topologyPortsFree } from '../tests/helpers/topology';
import { PrivateKafka, PrivatePostgres, PrivateRedis } from '../tests/faults/private-services';
import { down, instances, restart, runningPid, up, type TopologyOptions } from './topology';

export const FAULTS = ['redis', 'postgres', 'subgraph', 'gateway', 'kafka'] as const;
export type FaultName = (typeof FAULTS)[number];

export interface SoakOptions {
  minutes: number;
  /** Requests per second over all tenants. */
  rate: number;
  tenants: number;
  faults: FaultName[];
  /** Seconds between fault injections. */
  faultEverySeconds: number;
  /** How long each dependency stays away (Kafka: at least 12 s, past the brokers' fencing). */
  faultDownSeconds: number;
  /** Keep the processes' logs (the folder is printed) instead of deleting them. */
  keepLogs?: boolean;
  log: (line: string) => void;
}

export interface OperationStats { count: number; errors: number; p50Ms: number; p99Ms: number; maxMs: number }
export interface FaultReport {
  fault: FaultName;
  atSecond: number;
  downMs: number;
  failedRequests: number;
  /** First to last failure of the window (0 when nothing failed). */
  requestsFailedForMs: number;
  /** From the dependency's return to the last failure (negative: none failed after it returned). */
  lastFailureAfterRestoreMs: number | null;
  /** The slowest commit-to-subscriber delivery of an event committed during the window. */
  maxEventDelayMs: number | null;
  /** What the failed requests answered, by count. */
  errors: Record<string, number>;
}
export interface SoakReport {
  minutes: number;
  rate: number;
  tenants: number;
  requests: number;
  errorsOutsideFaultWindows: number;
  errorsInFaultWindows: number;
  /** A few of the errors outside the windows, for the reader. */
  outsideSamples: string[];
  operations: Record<string, OperationStats>;
  subscribers: number;
  eventsExpected: number;
  eventsLost: number;
  eventsDuplicated: number;
  eventsOutOfOrder: number;
  eventsOfAnotherTenant: number;
  resubscriptions: number;
  maxEventDelayOutsideFaultsMs: number;
  faults: FaultReport[];
  /** RSS in MB: after the warm-up (or the process's restart) and at the end. */
  memory: Record<string, { startMb: number; endMb: number; growthMb: number; restarted: boolean }>;
  /** Servers that exited (or were replaced) while no fault of theirs ran: crashes, must be none. */
  processExits: string[];
  ok: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** After a dependency returns, how long its window stays open (pools, sockets, consumers reconnect). */
const WINDOW_GRACE_MS = 10_000;
const TOKEN_REFRESH_MS = 10 * 60_000;

interface Tenant { slug: string; tenantId: string; accessToken: string; refreshToken: string; contacts: { id: string; busy: boolean }[] }
interface Window { fault: FaultName; start: number; restoredAt?: number; end?: number }
interface Sample { op: string; start: number; ms: number; error?: string; detail?: string }
/** A failed request: what it answered (grouped by in the report) and, for a network failure, the evidence. */
interface Failure { error: string; detail?: string }
type Answer = { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[]; detail?: string };
/** A contact mutation as the stream must show it. `sure`: its answer arrived (it committed). */
interface Commit { tenant: number; contactId: string; type: 'created' | 'updated'; title: string | null; at: number }

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Evidence for a request that failed on its connection, from undici's diagnostics channels: the
 * error's cause chain, how many answers the connection had carried before (0: a new connection)
 * and how long it had been idle when this request was written on it. A reused connection closed by
 * the server after an idle time near its keep-alive timeout is the keep-alive race; a busy or new
 * one is something else (a process that died, a server that dropped it).
 */
class SocketHistory {
  private readonly sockets = new WeakMap<object, { answered: number; lastAnswerAt?: number }>();
  private readonly requests = new WeakMap<object, { socket: object; sentAt: number; idleMs?: number; answeredBefore: number }>();
  private readonly failures = new WeakMap<object, { idleMs?: number; answeredBefore: number; sinceSentMs: number }>();
  private readonly handlers: [string, (message: unknown) => void][] = [
    ['undici:client:sendHeaders', (m) => {
      const { request, socket } = m as { request: object; socket: object };
      const seen = this.sockets.get(socket) ?? { answered: 0 };
      this.sockets.set(socket, seen);
      this.requests.set(request, { socket, sentAt: Date.now(), idleMs: seen.lastAnswerAt === undefined ? undefined : Date.now() - seen.lastAnswerAt, answeredBefore: seen.answered });
    }],
    ['undici:request:trailers', (m) => {
      const sent = this.requests.get((m as { request: object }).request);
      const seen = sent && this.sockets.get(sent.socket);
      if (seen) Object.assign(seen, { answered: seen.answered + 1, lastAnswerAt: Date.now() });
    }],
    ['undici:request:error', (m) => {
      const { request, error } = m as { request: object; error: object };
      const sent = this.requests.get(request);
      if (sent) this.failures.set(error, { idleMs: sent.idleMs, answeredBefore: sent.answeredBefore, sinceSentMs: Date.now() - sent.sentAt });
    }],
  ];

  constructor() {
    for (const [name, handler] of this.handlers) subscribe(name, handler);
  }

  close(): void {
    for (const [name, handler] of this.handlers) unsubscribe(name, handler);
  }

  /** `cause chain; connection: reused after N answers, idle X ms before the request, failed Y ms after it was sent`. */
  explain(error: unknown): string {
    const chain: string[] = [];
    let socket: { idleMs?: number; answeredBefore: number; sinceSentMs: number } | undefined;
    for (let e = error as { name?: string; code?: string; message?: string; cause?: unknown } | undefined; e && chain.length < 5; e = e.cause as typeof e) {
      chain.push([e.name, e.code, e.message].filter(Boolean).join(' '));
      socket ??= typeof e === 'object' ? this.failures.get(e) : undefined;
    }
    const connection = !socket ? 'connection: unknown'
      : socket.answeredBefore === 0 ? `connection: new, failed ${socket.sinceSentMs} ms after the request was sent`
        : `connection: reused after ${socket.answeredBefore} answers, idle ${socket.idleMs} ms before the request, failed ${socket.sinceSentMs} ms after it was sent`;
    return `${chain.join(' <- ')}; ${connection}`;
  }
}

/**
 * The HTTP side: gateways round robin; a connect refusal goes to the other (a load balancer's
 * retry). Idle connections are kept up to 30 s, as a load balancer or the gateway's own subgraph
 * pool does: below the servers' keep-alive (HTTP_KEEP_ALIVE_TIMEOUT_MS, 65 s), so a connection the
 * client writes on is one the server still holds.
 */
class Http {
  private next = 0;
  private readonly dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 30_000 });
  private readonly sockets = new SocketHistory();
  constructor(private readonly gateways: string[]) {}

  close(): Promise<void> {
    this.sockets.close();
    return this.dispatcher.close();
  }

  async post(body: unknown, headers: Record<string, string>): Promise<Answer> {
    const first = this.next++ % this.gateways.length;
    for (let attempt = 0; attempt < this.gateways.length; attempt += 1) {
      const url = this.gateways[(first + attempt) % this.gateways.length];
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000), dispatcher: this.dispatcher });
        const text = await res.text();
        try {
          return JSON.parse(text);
        } catch {
          return { errors: [{ message: `HTTP ${res.status}, not JSON: ${text.slice(0, 80)}` }] };
        }
      } catch (error) {
        const code = (error as { cause?: { code?: string } }).cause?.code;
        if (code === 'ECONNREFUSED' && attempt < this.gateways.length - 1) continue; // never reached a server
        return { errors: [{ message: `network: ${code ?? (error as Error).message}` }], detail: `${url} ${this.sockets.explain(error)}` };
      }
    }
    return { errors: [{ message: 'no gateway' }] };
  }
}

const SUBSCRIPTION = 'subscription($after: ID) { contactEvents(after: $after) { eventId type contact { id title } } }';

/** A live client of contactEvents that reconnects to the other gateway and resumes with `after`. */
class Subscriber {
  readonly received: { eventId: string; contactId: string; type: string; title: string | null; at: number }[] = [];
  private readonly seen = new Set<string>();
  duplicates = 0;
  resubscriptions = 0;
  private lastEventId?: string;
  private client?: Client;
  private stopped = false;

  constructor(private readonly gateways: string[], private gatewayIndex: number, private readonly token: () => string) {}

  start(): void {
    const url = this.gateways[this.gatewayIndex % this.gateways.length].replace(/^http/, 'ws');
    let settled = false;
    const again = () => {
      if (settled || this.stopped) return;
      settled = true;
      this.resubscriptions += 1;
      void this.client?.dispose();
      this.gatewayIndex += 1; // the other gateway, as a client behind a load balancer would land
      setTimeout(() => this.start(), 250);
    };
    this.client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${this.token()}` }, retryAttempts: 0, lazy: false, onNonLazyError: again, on: { closed: again } });
    this.client.subscribe<{ contactEvents: { eventId: string; type: string; contact: { id: string; title: string | null } } }>(
      { query: SUBSCRIPTION, variables: this.lastEventId ? { after: this.lastEventId } : {} },
      {
        next: (value) => {
          const e = value.data?.contactEvents;
          if (!e) return; // an error payload (unavailable): the stream ends next, then we resume
          if (this.seen.has(e.eventId)) this.duplicates += 1;
          this.seen.add(e.eventId);
          this.lastEventId = e.eventId;
          this.received.push({ eventId: e.eventId, contactId: e.contact.id, type: e.type, title: e.contact.title, at: Date.now() });
        },
        error: () => again(),
        complete: () => again(),
      },
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.dispose();
  }
}

export function parseFaults(value: string | undefined): FaultName[] {
  if (value === undefined) return [];
  if (value === '' || value === 'all') return [...FAULTS];
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of list) if (!(FAULTS as readonly string[]).includes(f)) throw new Error(`soak: unknown fault '${f}' (expected ${FAULTS.join(', ')})`);
  return list as FaultName[];
}

async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 42_000 + 20 * Math.floor(Math.random() * 500);
    if (await topologyPortsFree(base)) return base;
  }
  throw new Error('soak: no free ports for the topology');
}

function rssMb(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export async function soak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log;
  const durationMs = options.minutes * 60_000;
  const dir = mkdtempSync(join(tmpdir(), 'bacbos-soak-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    log(`soak: private Redis and PostgreSQL${options.faults.includes('kafka') ? ' and a three-broker Kafka' : ''}`);
    const [redis, pg, kafka] = await Promise.all([
      PrivateRedis.start(), PrivatePostgres.start(), options.faults.includes('kafka') ? PrivateKafka.start() : Promise.resolve(undefined),
    ]);
    cleanups.push(() => redis.destroy(), () => pg.destroy());
    if (kafka) cleanups.push(() => kafka.destroy());
    const topology: TopologyOptions = {
      dir,
      basePort: await freeBase(),
      startServices: false,
      env: {
        ...process.env,
        DATABASE_URL: pg.url(),
        REDIS_URL: redis.url,
        ...(kafka ? { KAFKA_BROKERS: kafka.brokers } : {}),
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        // The soak measures faults, not the plans' per-minute budgets.
        TENANT_BUDGET_SCALE: '100',
        REDIS_KEY_PREFIX: 'soak:',
      },
      log: (line) => log(line),
    };
    const { gatewayUrls } = await up(topology);
    cleanups.unshift(() => down({ ...topology, log: () => {} }));
    const http = new Http(gatewayUrls);
    cleanups.unshift(() => http.close());
    const instance = (id: string) => instances(topology.basePort).find((i) => i.id === id)!;

    // Tenants, each with a few contacts to update.
    const tenants: Tenant[] = [];
    for (let t = 0; t < options.tenants; t += 1) {
      const slug = `soak-${randomUUID().slice(0, 8)}`;
      const res = await http.post({ query: op('platform', 'SignUp'), variables: { input: { tenantName: `Soak ${t}`, tenantSlug: slug, email: `owner@${slug}.example`, password: 'soak-password-123' } } }, {});
      if (res.errors) throw new Error(`soak: signUp failed: ${JSON.stringify(res.errors)}`);
      const s = res.data.signUp;
      tenants.push({ slug, tenantId: s.tenant.id, accessToken: s.accessToken, refreshToken: s.refreshToken, contacts: [] });
    }
    const auth = (t: Tenant) => ({ authorization: `Bearer ${t.accessToken}` });

    const subscribers: { tenant: number; sub: Subscriber }[] = [];
    tenants.forEach((tenant, t) => {
      for (const g of [0, 1]) {
        const sub = new Subscriber(gatewayUrls, g, () => tenant.accessToken);
        sub.start();
        subscribers.push({ tenant: t, sub });
      }
    });
    cleanups.unshift(() => Promise.all(subscribers.map((s) => s.sub.stop())));
    await sleep(2_000);

    const samples: Sample[] = [];
    const commits: Commit[] = [];
    /** Contacts whose mutation failed without an answer: it may have committed, so order is unknown. */
    const uncertain = new Set<string>();
    let titleSeq = 0;

    type Operation = { name: string; weight: number; run: (t: Tenant, ti: number) => Promise<Failure | undefined> };
    const query = (name: string, file: string, variables: (t: Tenant) => Record<string, unknown> = () => ({})) =>
      async (t: Tenant) => {
        const res = await http.post({ query: op(file, name), variables: variables(t) }, auth(t));
        return describeError(res);
      };
    const operations: Operation[] = [
      { name: 'Me', weight: 15, run: query('Me', 'identity') },
      { name: 'CurrentTenant', weight: 5, run: query('CurrentTenant', 'platform') },
      { name: 'Contacts', weight: 20, run: query('Contacts', 'crm', () => ({ first: 20 })) },
      { name: 'Employees', weight: 10, run: query('Employees', 'hr', () => ({ first: 20 })) },
      { name: 'Documents', weight: 10, run: query('Documents', 'office', () => ({ first: 20 })) },
      { name: 'Organizations', weight: 5, run: query('Organizations', 'identity') },
      { name: 'CreateDocument', weight: 5, run: query('CreateDocument', 'office', () => ({ input: { title: `Soak ${randomUUID().slice(0, 6)}` } })) },
      {
        name: 'CreateContact', weight: 15, run: async (t, ti) => {
          const res = await http.post({ query: op('crm', 'CreateContact'), variables: { input: { firstName: 'Soak', lastName: 'Contact', email: `${randomUUID()}@soak.example` } } }, auth(t));
          if (res.errors) return describeError(res);
          const id = res.data.createContact.id as string;
          commits.push({ tenant: ti, contactId: id, type: 'created', title: null, at: Date.now() });
          t.contacts.push({ id, busy: false });
          return undefined;
        },
      },
      {
        name: 'UpdateContact', weight: 15, run: async (t, ti) => {
          // One update at a time per contact, so the commit order is the order of the answers.
          const free = t.contacts.filter((c) => !c.busy);
          if (!free.length) return undefined;
          const contact = free[Math.floor(Math.random() * free.length)];
          contact.busy = true;
          try {
            const title = `s${(titleSeq += 1)}`;
            const res = await http.post({ query: op('crm', 'UpdateContact'), variables: { id: contact.id, input: { title } } }, auth(t));
            if (res.errors) {
              uncertain.add(contact.id); // it may have committed before the answer was lost
              return describeError(res);
            }
            commits.push({ tenant: ti, contactId: contact.id, type: 'updated', title, at: Date.now() });
            return undefined;
          } finally {
            contact.busy = false;
          }
        },
      },
    ];
    const totalWeight = operations.reduce((n, o) => n + o.weight, 0);
    const pick = () => {
      let r = Math.random() * totalWeight;
      for (const o of operations) if ((r -= o.weight) < 0) return o;
      return operations[0];
    };

    // Fault schedule: after a warm-up of 10% (at least 15 s), every faultEverySeconds, cycling.
    const started = Date.now();
    const windows: Window[] = [];
    const warmupMs = Math.max(15_000, durationMs * 0.1);
    const schedule: { at: number; fault: FaultName }[] = [];
    if (options.faults.length) {
      for (let at = warmupMs, i = 0; at + options.faultDownSeconds * 1000 + WINDOW_GRACE_MS < durationMs; at += options.faultEverySeconds * 1000, i += 1) {
        schedule.push({ at, fault: options.faults[i % options.faults.length] });
      }
    }
    /** The servers a running fault kills and restarts (their exit is the fault's, not a crash). */
    const faulted = new Set<string>();
    const inject = async (fault: FaultName): Promise<void> => {
      const window: Window = { fault, start: Date.now() };
      windows.push(window);
      const downMs = fault === 'kafka' ? Math.max(12, options.faultDownSeconds) * 1000 : options.faultDownSeconds * 1000;
      log(`soak: +${Math.round((window.start - started) / 1000)} s fault ${fault} for ${downMs / 1000} s`);
      switch (fault) {
        case 'redis':
          await redis.kill();
          await sleep(downMs);
          await redis.up();
          break;
        case 'postgres':
          await pg.stop('fast');
          await sleep(downMs);
          await pg.up();
          break;
        case 'subgraph':
        case 'gateway': {
          const id = fault === 'subgraph' ? 'crm' : 'gateway';
          faulted.add(id);
          const pid = runningPid(dir, instance(id));
          if (pid) process.kill(pid, 'SIGKILL');
          await sleep(downMs);
          await restart(topology, id);
          pids.set(id, runningPid(dir, instance(id)));
          faulted.delete(id);
          break;
        }
        case 'kafka': {
          const leader = await crmLeader(kafka!.brokers);
          await kafka!.kill(leader);
          await sleep(downMs);
          await kafka!.up();
          break;
        }
      }
      window.restoredAt = Date.now();
      window.end = window.restoredAt + WINDOW_GRACE_MS;
    };

    // Memory: RSS of every server process every 10 s; a restarted process starts its series again.
    const servers = instances(topology.basePort).filter((i) => i.spec.kind === 'server');
    const memory = new Map<string, { pid: number; start?: number; end?: number; restarted: boolean }>();
    const sampleMemory = (afterWarmup: boolean) => {
      for (const i of servers) {
        const pid = runningPid(dir, i);
        const mb = rssMb(pid);
        if (!pid || mb === undefined) continue;
        const entry = memory.get(i.id);
        if (!entry || entry.pid !== pid) memory.set(i.id, { pid, start: afterWarmup ? mb : undefined, end: mb, restarted: Boolean(entry) });
        else {
          if (afterWarmup && entry.start === undefined) entry.start = mb;
          entry.end = mb;
        }
      }
    };
    sampleMemory(false);
    const memoryTimer = setInterval(() => sampleMemory(Date.now() - started >= warmupMs), 10_000);

    // Crashes: a server gone (or another pid) while no fault of its own ran. Nothing restarts it, and
    // clients fail over to the other gateway silently, so only its dropped connections would show.
    const processExits: string[] = [];
    const pids = new Map(servers.map((i) => [i.id, runningPid(dir, i)]));
    const exitTimer = setInterval(() => {
      for (const i of servers) {
        const pid = runningPid(dir, i);
        if (faulted.has(i.id) || pid === pids.get(i.id)) continue;
        processExits.push(`+${((Date.now() - started) / 1000).toFixed(1)} s ${i.id} (pid ${pids.get(i.id)}) ${pid ? `replaced by pid ${pid}` : 'exited'}`);
        pids.set(i.id, pid);
      }
    }, 1_000);

    // Token refresh per tenant.
    const refreshTimer = setInterval(() => {
      for (const t of tenants) {
        void http.post({ query: op('identity', 'RefreshSession'), variables: { refreshToken: t.refreshToken } }, {}).then((res) => {
          if (res.data?.refreshSession) Object.assign(t, { accessToken: res.data.refreshSession.accessToken, refreshToken: res.data.refreshSession.refreshToken });
        });
      }
    }, TOKEN_REFRESH_MS);

    log(`soak: ${options.minutes} min at ${options.rate} requests/s over ${tenants.length} tenants, ${subscribers.length} subscribers; faults: ${schedule.map((s) => `${s.fault}@${Math.round(s.at / 1000)}s`).join(' ') || 'none'}`);
    const inFlight = new Set<Promise<void>>();
    const maxInFlight = Math.max(16, options.rate * 2);
    let skipped = 0;
    let faultRunning: Promise<void> | undefined;
    let tick = 0;
    const interval = 1000 / options.rate;
    // Past the duration, traffic goes on until every scheduled fault has run and its window closed
    // (a slow restart must not push a fault, or the recovery after it, out of the run).
    const busy = () => Date.now() - started < durationMs || schedule.length > 0 || faultRunning !== undefined || windows.some((w) => (w.end ?? Infinity) > Date.now());
    while (busy()) {
      const due = started + tick * interval;
      if (due > Date.now()) await sleep(due - Date.now());
      tick += 1;
      if (schedule.length && Date.now() - started >= schedule[0].at && !faultRunning) {
        const { fault } = schedule.shift()!;
        faultRunning = inject(fault).finally(() => (faultRunning = undefined));
      }
      if (inFlight.size >= maxInFlight) {
        skipped += 1;
        continue;
      }
      const ti = tick % tenants.length;
      const operation = pick();
      const startedAt = Date.now();
      const p: Promise<void> = operation.run(tenants[ti], ti).then(
        (failure) => void samples.push({ op: operation.name, start: startedAt, ms: Date.now() - startedAt, error: failure?.error, detail: failure?.detail }),
        (error: unknown) => void samples.push({ op: operation.name, start: startedAt, ms: Date.now() - startedAt, error: `thrown: ${(error as Error).message}` }),
      ).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    await faultRunning;
    clearInterval(refreshTimer);
    sampleMemory(true);
    clearInterval(memoryTimer);
    clearInterval(exitTimer);

    // Drain: every committed event must reach every subscriber of its tenant.
    log(`soak: traffic done (${samples.length} requests, ${skipped} skipped as ${maxInFlight} were in flight); waiting for the subscribers`);
    const expectedOf = (t: number) => commits.filter((c) => c.tenant === t);
    const key = (contactId: string, type: string, title: string | null) => `${contactId}|${type}|${title}`;
    const missing = (s: { tenant: number; sub: Subscriber }) => {
      const got = new Set(s.sub.received.map((e) => key(e.contactId, e.type, e.title)));
      return expectedOf(s.tenant).filter((c) => !got.has(key(c.contactId, c.type, c.title))).length;
    };
    const drainDeadline = Date.now() + 120_000;
    while (subscribers.some((s) => missing(s) > 0) && Date.now() < drainDeadline) await sleep(200);
    await sleep(1_000);

    // Events.
    /** A request in flight at any moment of a window (one running when the fault hit included). */
    const inWindow = (s: Sample) => windows.some((w) => s.start <= (w.end ?? Infinity) && s.start + s.ms >= w.start);
    let lost = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    let foreign = 0;
    let maxDelayOutside = 0;
    const commitAt = new Map(commits.map((c) => [key(c.contactId, c.type, c.title), c]));
    const faultDelay = new Map<Window, number>();
    for (const s of subscribers) {
      lost += missing(s);
      duplicated += s.sub.duplicates;
      const mine = new Set(expectedOf(s.tenant).map((c) => c.contactId));
      const allContacts = new Set(commits.map((c) => c.contactId));
      for (const e of s.sub.received) if (!mine.has(e.contactId) && allContacts.has(e.contactId)) foreign += 1;
      // Order per contact: the titles in commit order (contacts with an unanswered mutation aside).
      const byContact = new Map<string, string[]>();
      for (const e of s.sub.received) if (commitAt.has(key(e.contactId, e.type, e.title))) byContact.set(e.contactId, [...(byContact.get(e.contactId) ?? []), key(e.contactId, e.type, e.title)]);
      for (const c of mine) {
        if (uncertain.has(c)) continue;
        const expected = expectedOf(s.tenant).filter((x) => x.contactId === c).map((x) => key(x.contactId, x.type, x.title));
        const seen = [...new Set(byContact.get(c) ?? [])];
        if (JSON.stringify(seen) !== JSON.stringify(expected.filter((k) => seen.includes(k)))) outOfOrder += 1;
      }
      const firstSeen = new Map<string, number>();
      for (const e of s.sub.received) if (!firstSeen.has(key(e.contactId, e.type, e.title))) firstSeen.set(key(e.contactId, e.type, e.title), e.at);
      for (const [k, at] of firstSeen) {
        const c = commitAt.get(k);
        if (!c) continue;
        const delay = at - c.at;
        const w = windows.find((x) => c.at >= x.start && c.at <= (x.end ?? Infinity));
        if (w) faultDelay.set(w, Math.max(faultDelay.get(w) ?? 0, delay));
        else maxDelayOutside = Math.max(maxDelayOutside, delay);
      }
    }

    // Requests.
    const outside = samples.filter((s) => s.error && !inWindow(s));
    const operationsReport: Record<string, OperationStats> = {};
    for (const o of operations) {
      const mine = samples.filter((s) => s.op === o.name);
      const ok = mine.filter((s) => !s.error && !inWindow(s)).map((s) => s.ms).sort((a, b) => a - b);
      operationsReport[o.name] = { count: mine.length, errors: mine.filter((s) => s.error).length, p50Ms: quantile(ok, 0.5), p99Ms: quantile(ok, 0.99), maxMs: ok.at(-1) ?? 0 };
    }
    const faults: FaultReport[] = windows.map((w) => {
      const failed = samples.filter((s) => s.error && s.start <= (w.end ?? Infinity) && s.start + s.ms >= w.start);
      const first = failed.length ? Math.min(...failed.map((s) => s.start)) : undefined;
      const last = failed.length ? Math.max(...failed.map((s) => s.start + s.ms)) : undefined;
      return {
        fault: w.fault,
        atSecond: Math.round((w.start - started) / 1000),
        downMs: (w.restoredAt ?? w.start) - w.start,
        failedRequests: failed.length,
        requestsFailedForMs: first !== undefined && last !== undefined ? last - first : 0,
        lastFailureAfterRestoreMs: last !== undefined && w.restoredAt ? last - w.restoredAt : null,
        maxEventDelayMs: faultDelay.get(w) ?? null,
        errors: failed.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s.error as string]: (acc[s.error as string] ?? 0) + 1 }), {}),
      };
    });
    const memoryReport: SoakReport['memory'] = {};
    for (const [id, m] of memory) {
      if (m.start === undefined || m.end === undefined) continue;
      memoryReport[id] = { startMb: Math.round(m.start), endMb: Math.round(m.end), growthMb: Math.round(m.end - m.start), restarted: m.restarted };
    }
    const report: SoakReport = {
      minutes: options.minutes,
      rate: options.rate,
      tenants: tenants.length,
      requests: samples.length,
      errorsOutsideFaultWindows: outside.length,
      errorsInFaultWindows: samples.filter((s) => s.error && inWindow(s)).length,
      outsideSamples: outside.slice(0, 20).map((s) => {
        const before = windows.filter((w) => w.restoredAt !== undefined && w.restoredAt <= s.start).at(-1);
        const next = windows.find((w) => w.start > s.start);
        const relative = [before ? `${Math.round((s.start - before.restoredAt!) / 1000)} s after ${before.fault} was restored` : undefined, next ? `${Math.round((next.start - s.start) / 1000)} s before ${next.fault}` : undefined].filter(Boolean).join(', ');
        return `+${((s.start - started) / 1000).toFixed(1)} s ${s.op}: ${s.error}${relative ? ` (${relative})` : ''}${s.detail ? `; ${s.detail}` : ''}`;
      }),
      operations: operationsReport,
      subscribers: subscribers.length,
      eventsExpected: commits.length * 2,
      eventsLost: lost,
      eventsDuplicated: duplicated,
      eventsOutOfOrder: outOfOrder,
      eventsOfAnotherTenant: foreign,
      resubscriptions: subscribers.reduce((n, s) => n + s.sub.resubscriptions, 0),
      maxEventDelayOutsideFaultsMs: maxDelayOutside,
      faults,
      memory: memoryReport,
      processExits,
      ok: false,
    };
    report.ok = report.errorsOutsideFaultWindows === 0 && processExits.length === 0 && lost === 0 && duplicated === 0 && outOfOrder === 0 && foreign === 0;
    return report;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    if (options.keepLogs) log(`soak: logs in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** One line per distinct failure: the contract code, and whether it is the retryable outage answer. */
function describeError(res: Answer): Failure | undefined {
  const e = res.errors?.[0];
  if (!e) return undefined;
  const code = e.extensions?.code as string | undefined;
  return { error: code ? `${code}${e.extensions?.unavailable ? ' (unavailable)' : ''}` : e.message, detail: res.detail };
}

/** The broker leading most partitions of the crm topic: the one whose loss matters most. */
async function crmLeader(brokers: string): Promise<number> {
  const admin = new Kafka({ clientId: 'soak', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: ['bacbos.crm.events'] });
    const counts = new Map<number, number>();
    for (const p of topics[0].partitions) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  } finally {
    await admin.disconnect();
  }
}

export function formatReport(r: SoakReport): string {
  const lines = [
    `soak: ${r.minutes} min, ${r.rate} requests/s, ${r.tenants} tenants: ${r.requests} requests; errors outside fault windows ${r.errorsOutsideFaultWindows}, inside ${r.errorsInFaultWindows}`,
    ...r.outsideSamples.map((s) => `  outside a window: ${s}`),
    `events: ${r.eventsExpected} expected over ${r.subscribers} subscribers; lost ${r.eventsLost}, duplicated ${r.eventsDuplicated}, out of order ${r.eventsOutOfOrder}, of another tenant ${r.eventsOfAnotherTenant}; ${r.resubscriptions} resubscriptions; slowest delivery outside faults ${r.maxEventDelayOutsideFaultsMs} ms`,
    'operation          count  errors  p50 ms  p99 ms  max ms',
    ...Object.entries(r.operations).map(([name, o]) => `${name.padEnd(18)} ${String(o.count).padStart(5)}  ${String(o.errors).padStart(6)}  ${String(o.p50Ms).padStart(6)}  ${String(o.p99Ms).padStart(6)}  ${String(o.maxMs).padStart(6)}`),
    ...r.faults.map((f) => `fault ${f.fault.padEnd(8)} at ${f.atSecond} s, down ${f.downMs} ms: ${f.failedRequests} requests failed over ${f.requestsFailedForMs} ms; last failure ${f.lastFailureAfterRestoreMs ?? '-'} ms after the restore; slowest event ${f.maxEventDelayMs ?? '-'} ms; ${Object.entries(f.errors).map(([e, n]) => `${n}× ${e}`).join(', ') || 'no errors'}`),
    ...r.processExits.map((e) => `  a server exited outside its faults: ${e}`),
    'memory (RSS MB, after warm-up → end): ' + Object.entries(r.memory).map(([id, m]) => `${id} ${m.startMb}→${m.endMb}${m.restarted ? ' (restarted)' : ''}`).join(', '),
    r.ok ? 'soak: OK' : 'soak: FAILED',
  ];
  return lines.join('\n');
}

async function main(): Promise<number> {
  // `--faults` with no list means all of them.
  const args = process.argv.slice(2).map((arg, i, all) => (arg === '--faults' && (i === all.length - 1 || all[i + 1].startsWith('--')) ? '--faults=all' : arg));
  const { values } = parseArgs({
    args,
    options: {
      minutes: { type: 'string', default: '5' },
      rate: { type: 'string', default: '10' },
      tenants: { type: 'string', default: '4' },
      faults: { type: 'string' },
      'fault-every': { type: 'string', default: '120' },
      'fault-down': { type: 'string', default: '5' },
      json: { type: 'string' },
      'keep-logs': { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const report = await soak({
    minutes: Number(values.minutes),
    rate: Number(values.rate),
    tenants: Number(values.tenants),
    faults: parseFaults(values.faults),
    faultEverySeconds: Number(values['fault-every']),
    faultDownSeconds: Number(values['fault-down']),
    keepLogs: values['keep-logs'],
    log: (line) => console.log(line),
  });
  console.log(formatReport(report));
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
  return report.ok ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error((error as Error).stack ?? String(error));
      process.exit(1);
    },
  );
}

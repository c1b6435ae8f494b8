// Benchmark (run on demand): search at scale, per engine (PostgreSQL always; OpenSearch too when
// OPENSEARCH_URL is set). 100,000 objects across 50 tenants (2,000 each: names, e-mails, bodies of
// 20-60 words from a 3,000-word vocabulary; a third restricted to 1-3 of the tenant's 20 users).
// Reports:
//   - indexing throughput: bulk (engine.index, 500 per call), one event per write (what events
//     arriving one at a time cost), and through the bus and the indexer (BENCH_BURST events
//     published at once, applied in the batches the consumer fetches: the indexer's real path),
//     objects or events per second;
//   - event-to-searchable p50/p99: an event published to the bus (Kafka when KAFKA_BROKERS is set,
//     on a private topic) until a search finds it (polled every 5 ms), through the real indexer;
//   - search p50/p99 (word, prefix and misspelt queries, a page of 20, as a restricted user) and
//     searchSuggest p99, from a single client.
// Usage: eval "$(bash scripts/services.sh env)"; npm run bench:search
// Env: BENCH_TENANTS (50), BENCH_PER_TENANT (2000), BENCH_QUERIES (1000), BENCH_EVENTS (200), BENCH_BURST (5000).
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { KafkaEventBus, createEventBus, migrate, rootLogger, withTenant, type EventEnvelope } from '@bacbos/common';
import { applyEvent, createEngine, createSearchPools, PostgresEngine, startIndexer, type SearchDocument, type SearchEngine, type SearchType, type Visibility } from '@bacbos/search';
import { seededRandom } from '../tests/helpers/random';

process.env.APP_DB_PASSWORD ??= 'bacbos-test-app-role';
const TENANTS = Number(process.env.BENCH_TENANTS ?? 50);
const PER_TENANT = Number(process.env.BENCH_PER_TENANT ?? 2_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 1_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const BURST = Number(process.env.BENCH_BURST ?? 5_000);
const ALL: SearchType[] = ['CONTACT', 'LEAD', 'OPPORTUNITY', 'DOCUMENT', 'SPREADSHEET', 'PRESENTATION', 'FILE', 'EMAIL', 'CALENDAR_EVENT', 'EMPLOYEE', 'USER'];

const { int, pick } = (() => {
  const r = seededRandom(0x5ea4c4);
  return { int: (n: number) => Math.floor(r.random() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(r.random() * xs.length)] };
})();
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pha', 'qui', 'bre', 'dor', 'fel', 'gan', 'hul', 'jex', 'mor', 'nit', 'pol'];
const VOCABULARY = [...new Set(Array.from({ length: 4_000 }, () => Array.from({ length: 2 + int(3) }, () => pick(SYLLABLES)).join('')))].slice(0, 3_000);
const words = (n: number) => Array.from({ length: n }, () => pick(VOCABULARY)).join(' ');

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x: number) => `${x.toFixed(1)} ms`;
/** The machine is shared: every figure is printed with the load average (1, 5, 15 min) it was measured under. */
const load = () => `[load ${loadavg().map((x) => x.toFixed(1)).join(' ')}]`;

interface Tenant { id: string; users: string[] }

function corpus(tenants: Tenant[]): SearchDocument[] {
  let position = 0n;
  return tenants.flatMap((t) => Array.from({ length: PER_TENANT }, (): SearchDocument => {
    const type = pick(ALL);
    const restricted = int(3) === 0;
    const title = words(2 + int(3));
    return {
      tenantId: t.id, type, id: randomUUID(), title, subtitle: `${title.split(' ')[0]}@example.com`, body: words(20 + int(40)),
      readers: restricted ? Array.from({ length: 1 + int(3) }, () => pick(t.users)) : null, position: (position += 1n), updatedAt: new Date().toISOString(),
    };
  }));
}

async function benchEngine(name: string, engine: SearchEngine, tenants: Tenant[], documents: SearchDocument[]): Promise<void> {
  console.log(`\n== ${name}`);
  await engine.init();
  for (const t of tenants) await engine.dropTenant(t.id);
  let started = Date.now();
  for (let i = 0; i < documents.length; i += 500) await engine.index(documents.slice(i, i + 500));
  const bulkSeconds = (Date.now() - started) / 1000;
  console.log(`indexing (bulk, 500 per call): ${documents.length} objects in ${bulkSeconds.toFixed(1)} s = ${Math.round(documents.length / bulkSeconds)} objects/s ${load()}`);

  // One event, one write (and, on OpenSearch, one refresh): events arriving one at a time.
  const single = 500;
  started = Date.now();
  for (let i = 0; i < single; i++) {
    const t = tenants[i % tenants.length];
    await applyEvent(engine, event(t.id, `Single ${words(2)}`, BigInt(10_000_000 + i)));
  }
  const singleSeconds = (Date.now() - started) / 1000;
  console.log(`indexing (one event per write): ${single} events in ${singleSeconds.toFixed(1)} s = ${Math.round(single / singleSeconds)} events/s ${load()}`);

  const bus = createEventBus('bench-search');
  const topic = `bacbos.bench-search-${process.pid}.events`;
  // The bus's own creation: retried while a loaded controller times out, then until every partition has a leader.
  if (bus instanceof KafkaEventBus) await bus.createTopics([topic]);
  const stop = await startIndexer(bus, { engine, indexId: `bench-${randomUUID()}`, log: rootLogger, topics: [topic] });
  const delays: number[] = [];
  try {
    // The indexer's path: a burst published at once (tenants spread over the partitions), applied in
    // the runs the consumer fetches, until every event is searchable (counted per tenant).
    const countAll = async () => (await Promise.all(tenants.map((t) => engine.count(t.id)))).reduce((a, b) => a + b, 0);
    const before = await countAll();
    started = Date.now();
    for (let i = 0; i < BURST; i += 500) {
      await bus.publish(topic, Array.from({ length: Math.min(500, BURST - i) }, (_, j) => event(tenants[(i + j) % tenants.length].id, `Burst ${words(2)}`, BigInt(30_000_000 + i + j))));
    }
    while ((await countAll()) < before + BURST) {
      if (Date.now() - started > 600_000) throw new Error('a burst was not indexed within 10 minutes');
      await new Promise((res) => setTimeout(res, 100));
    }
    const burstSeconds = (Date.now() - started) / 1000;
    console.log(`indexing (through the bus and the indexer, in batches): ${BURST} events in ${burstSeconds.toFixed(1)} s = ${Math.round(BURST / burstSeconds)} events/s ${load()}`);

    // Event to searchable, through the bus and the real indexer, one event at a time.
    for (let i = 0; i < EVENTS; i++) {
      const t = pick(tenants);
      const marker = `fresh${i}x${randomUUID().slice(0, 6).replace(/\d/g, 'q')}`;
      const sent = Date.now();
      await bus.publish(topic, [event(t.id, `Fresh ${marker}`, BigInt(20_000_000 + i))]);
      const v: Visibility = { tenantId: t.id, userId: t.users[0], types: ALL, unrestricted: [] };
      for (;;) {
        const r = await withTenant(t.id, () => engine.search({ text: marker, visibility: v, types: ALL, first: 1 }));
        if (r.totalCount) break;
        if (Date.now() - sent > 10_000) throw new Error('an event was not searchable within 10 s');
        await new Promise((res) => setTimeout(res, 5));
      }
      delays.push(Date.now() - sent);
    }
  } finally {
    await stop();
    await bus.close();
  }
  console.log(`event to searchable (${bus.kind} bus, ${EVENTS} events): p50 ${ms(percentile(delays, 50))}, p99 ${ms(percentile(delays, 99))} ${load()}`);

  const searchTimes: number[] = [];
  const suggestTimes: number[] = [];
  let hits = 0;
  for (let i = 0; i < QUERIES; i++) {
    const t = pick(tenants);
    const v: Visibility = { tenantId: t.id, userId: pick(t.users), types: ALL, unrestricted: [] };
    const word = pick(VOCABULARY);
    const kind = i % 3;
    // A word, a prefix of one, or a word with one letter changed (a typo).
    const text = kind === 0 ? `${word} ${pick(VOCABULARY)}`.split(' ')[0] : kind === 1 ? word.slice(0, 3) : `${word.slice(0, -1)}${word.endsWith('a') ? 'e' : 'a'}`;
    let at = performance.now();
    const r = await withTenant(t.id, () => engine.search({ text, visibility: v, types: ALL, first: 20 }));
    searchTimes.push(performance.now() - at);
    hits += r.totalCount;
    at = performance.now();
    await withTenant(t.id, () => engine.suggest({ prefix: word.slice(0, 2 + (i % 3)), visibility: v, first: 8 }));
    suggestTimes.push(performance.now() - at);
  }
  console.log(`search (${QUERIES} queries: words, prefixes, typos; page of 20; ${Math.round(hits / QUERIES)} matches on average): p50 ${ms(percentile(searchTimes, 50))}, p99 ${ms(percentile(searchTimes, 99))} ${load()}`);
  console.log(`searchSuggest (${QUERIES} prefixes, 8 completions): p50 ${ms(percentile(suggestTimes, 50))}, p99 ${ms(percentile(suggestTimes, 99))} ${load()}`);
  for (const t of tenants) await engine.dropTenant(t.id);
}

function event(tenantId: string, title: string, seq: bigint): EventEnvelope {
  const id = randomUUID();
  return {
    id: randomUUID(), seq: seq.toString(), source: 'crm', tenantId, type: 'crm.contact.created', aggregateType: 'Contact', aggregateId: id,
    actor: { userId: null, apiKeyId: null }, occurredAt: new Date().toISOString(), version: 1,
    payload: { data: { id, firstName: title.split(' ')[0], lastName: title.split(' ').slice(1).join(' '), email: `${id}@example.com` } },
  };
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL (eval "$(bash scripts/services.sh env)")');
  const server = new URL(process.env.DATABASE_URL);
  const name = `bacbos_bench_search_${process.pid}`;
  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  try {
    await migrate({ connectionString: url.toString(), schema: 'search', migrationsDir: 'prisma/search/migrations' });
    await admin.query(`ALTER ROLE bacbos_app LOGIN PASSWORD '${process.env.APP_DB_PASSWORD}'`);
    const appUrl = new URL(url.toString());
    appUrl.username = 'bacbos_app';
    appUrl.password = process.env.APP_DB_PASSWORD!;
    const tenants: Tenant[] = Array.from({ length: TENANTS }, () => ({ id: randomUUID(), users: Array.from({ length: 20 }, () => randomUUID()) }));
    const documents = corpus(tenants);
    console.log(`search benchmark: ${documents.length} objects across ${TENANTS} tenants (${PER_TENANT} each); ${QUERIES} queries; ${EVENTS} events`);
    const pg = new PostgresEngine(createSearchPools({ read: appUrl.toString(), write: url.toString() }));
    try {
      await benchEngine('postgres', pg, tenants, documents);
    } finally {
      await pg.close();
    }
    if (process.env.OPENSEARCH_URL) {
      const os = createEngine('opensearch');
      try {
        await benchEngine('opensearch', os, tenants, documents);
      } finally {
        await os.close();
      }
    } else {
      console.log('\n== opensearch: skipped (OPENSEARCH_URL is not set)');
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});

// Every environment variable the platform reads, in one validated catalog: its type (zod), its
// default, its meaning, which processes read it and which of them need it in a deployment of
// separate processes. Code reads settings only through `setting()` and the helpers below; each
// process calls `validateConfig()` at start, so a bad value stops it with a message naming the
// variable instead of silently turning a feature off. The README's configuration table and the
// docker-compose check are both read from this catalog.
import { z } from 'zod';
import { SUBGRAPHS, SUBGRAPH_MANIFEST, type SubgraphName } from './manifest';

// The subgraphs are the manifest's (./manifest.ts); re-exported where they were always read from.
export { SUBGRAPHS, type SubgraphName };

/** The processes of a deployment; `start` is `npm start` (everything in one process), `topology` is `npm run topology`, `seed` is `npm run seed`. */
export const PROCESSES = ['gateway', ...SUBGRAPHS, 'migrate', 'start', 'topology', 'seed'] as const;
export type ProcessName = (typeof PROCESSES)[number];

export const DEFAULT_PORTS = {
  gateway: 4000, ...Object.fromEntries(SUBGRAPH_MANIFEST.map((s) => [s.name, s.port])),
} as Record<SubgraphName | 'gateway', number>;

/** The role the subgraphs connect as: neither superuser nor BYPASSRLS, so row-level security holds. */
export const APP_DB_ROLE = 'bacbos_app';

// ---------------------------------------------------------------------------------------------
// value types (an empty string counts as unset)

const positiveInt = z.coerce.number().int().positive();
const port = z.coerce.number().int().min(0).max(65_535);
const secret = z.string().min(32, 'must be at least 32 characters');
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgresql:// URL');
const httpUrl = z.url({ protocol: /^https?$/ });
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const hostPort = z.string().regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port');
const brokerList = z.string().transform((v, ctx) => {
  const brokers = v.split(',').map((b) => b.trim()).filter(Boolean);
  for (const broker of brokers) {
    if (!hostPort.safeParse(broker).success) ctx.addIssue({ code: 'custom', message: `"${broker}" is not host:port` });
  }
  return brokers;
});
/** Express's `trust proxy`: true/false, a hop count, or a comma-separated list of addresses/subnets. */
const trustProxy = z.string().transform((v): boolean | number | string => {
  if (v === 'true') return true;
  if (v === 'false') return false;
  return /^\d+$/.test(v) ? Number(v) : v;
});

interface Setting<T> {
  schema: z.ZodType<T>;
  /** The default as the README shows it (applied by `schema` or by the code that reads it). */
  defaultText: string;
  meaning: string;
  readBy: readonly ProcessName[];
  /** Processes that must have it when they run as separate processes (compose, topology). */
  neededBy?: readonly ProcessName[];
}

const define = <T>(s: Setting<T>): Setting<T> => s;
const ALL_SERVICES: ProcessName[] = ['gateway', ...SUBGRAPHS, 'start'];
const SUBGRAPH_PROCESSES: ProcessName[] = [...SUBGRAPHS, 'start'];
const DB_PROCESSES: ProcessName[] = [...SUBGRAPHS, 'migrate', 'start'];

/** The catalog. Per-subgraph variants (`CRM_DATABASE_URL`, `CRM_PORT`, ...) are in SUBGRAPH_SETTINGS. */
export const SETTINGS = {
  LOG_LEVEL: define({
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
    defaultText: 'info', meaning: 'pino log level of the JSON logs on stdout', readBy: [...ALL_SERVICES, 'migrate'],
  }),
  HOST: define({
    schema: z.string().min(1).optional(),
    defaultText: '0.0.0.0 (npm start: 127.0.0.1)', meaning: 'address the HTTP servers listen on', readBy: ALL_SERVICES,
  }),
  DATABASE_URL: define({
    schema: postgresUrl.optional(),
    defaultText: 'embedded PostgreSQL (npm start)',
    meaning: "owner connection of every subgraph's schema (migrations, outbox relay, audit ingester); `<SUBGRAPH>_DATABASE_URL` overrides it for one subgraph",
    readBy: DB_PROCESSES, neededBy: [...SUBGRAPHS, 'migrate'],
  }),
  APP_DB_PASSWORD: define({
    schema: z.string().min(1).optional(),
    defaultText: 'generated (npm start)',
    meaning: 'password the migrate step gives the `bacbos_app` role, which the subgraphs serve requests as (row-level security)',
    readBy: DB_PROCESSES, neededBy: [...SUBGRAPHS, 'migrate'],
  }),
  APP_DATABASE_URL: define({
    schema: postgresUrl.optional(),
    defaultText: 'DATABASE_URL with `bacbos_app` and APP_DB_PASSWORD',
    meaning: 'the application connection when the operator manages the role; `<SUBGRAPH>_APP_DATABASE_URL` for one subgraph',
    readBy: DB_PROCESSES,
  }),
  DB_POOL_SIZE: define({
    schema: positiveInt.default(10), defaultText: '10', meaning: 'connections per subgraph pool', readBy: SUBGRAPH_PROCESSES,
  }),
  INTERNAL_CONTEXT_SECRET: define({
    schema: secret.optional(), defaultText: 'generated (npm start)',
    meaning: 'key the gateway signs the forwarded caller with; subgraphs refuse anything unsigned', readBy: ALL_SERVICES, neededBy: ['gateway', ...SUBGRAPHS],
  }),
  ACCESS_TOKEN_SECRET: define({
    schema: secret.optional(), defaultText: 'generated (npm start)',
    meaning: 'key access tokens (JWT) are signed with', readBy: ['gateway', 'platform', 'identity', 'start'], neededBy: ['gateway', 'platform', 'identity'],
  }),
  MFA_ENCRYPTION_KEY: define({
    schema: secret.optional(), defaultText: 'derived from ACCESS_TOKEN_SECRET', meaning: 'key material for the AES-256-GCM encryption of MFA secrets', readBy: ['platform', 'start'],
  }),
  REDIS_URL: define({
    schema: z.string().regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL').optional(),
    defaultText: 'in-process store', meaning: 'sessions, revocations, tenant state and rate limits, shared by every instance',
    readBy: ['gateway', 'platform', 'identity', 'start'], neededBy: ['gateway', 'platform', 'identity'],
  }),
  REDIS_KEY_PREFIX: define({
    schema: z.string().default('bacbos:'), defaultText: 'bacbos:', meaning: 'prefix of every Redis key', readBy: ['gateway', 'platform', 'identity', 'start'],
  }),
  KAFKA_BROKERS: define({
    schema: brokerList.optional(), defaultText: 'in-process bus',
    meaning: 'comma-separated host:port list: events for subscriptions, the audit trail and the office directory', readBy: ALL_SERVICES, neededBy: ['gateway', ...SUBGRAPHS],
  }),
  OUTBOX_RETENTION_HOURS: define({
    schema: z.coerce.number().positive().default(168), defaultText: '168',
    meaning: 'how long published events stay in each outbox (the history subscriptions resume from)', readBy: SUBGRAPH_PROCESSES,
  }),
  OUTBOX_WAKEUP: define({
    schema: z.enum(['notify', 'poll']).default('notify'), defaultText: 'notify',
    meaning: "how an outbox relay learns of new events: `notify` (LISTEN/NOTIFY, 1 s poll as a safety net) or `poll` (every 100 ms, no LISTEN: for databases without NOTIFY, e.g. YugabyteDB before 2025.2)",
    readBy: SUBGRAPH_PROCESSES,
  }),
  S3_ENDPOINT: define({
    schema: httpUrl.optional(), defaultText: 'local object store (`.data/objects`, HMAC-signed URLs)',
    meaning: 'S3 API endpoint for files (drive, recordings)', readBy: ['office', 'start'], neededBy: ['office'],
  }),
  S3_PUBLIC_ENDPOINT: define({
    schema: httpUrl.optional(), defaultText: 'S3_ENDPOINT',
    meaning: 'the object store as clients (browsers) reach it; presigned URLs name it and are signed for its host (compose: http://localhost:9000 while office uses minio:9000)',
    readBy: ['office', 'start'], neededBy: ['office'],
  }),
  S3_ACCESS_KEY: define({ schema: z.string().optional(), defaultText: '—', meaning: 'S3 access key', readBy: ['office', 'start'], neededBy: ['office'] }),
  S3_SECRET_KEY: define({ schema: z.string().optional(), defaultText: '—', meaning: 'S3 secret key', readBy: ['office', 'start'], neededBy: ['office'] }),
  S3_REGION: define({ schema: z.string().optional(), defaultText: 'us-east-1', meaning: 'S3 region', readBy: ['office', 'start'] }),
  S3_BUCKET: define({ schema: z.string().optional(), defaultText: 'bacbos', meaning: 'S3 bucket (created when missing)', readBy: ['office', 'start'] }),
  LOCAL_OBJECTS_DIR: define({ schema: z.string().optional(), defaultText: '.data/objects', meaning: 'folder of the local object store', readBy: ['office', 'start'] }),
  LOCAL_OBJECTS_PORT: define({ schema: port.default(0), defaultText: 'ephemeral', meaning: 'port of the local object store\'s signed-URL server', readBy: ['office', 'start'] }),
  LOCAL_OBJECTS_SECRET: define({ schema: z.string().optional(), defaultText: 'random per process', meaning: 'HMAC key of the local object store\'s URLs', readBy: ['office', 'start'] }),
  GRAPHQL_MAX_DEPTH: define({ schema: positiveInt.default(12), defaultText: '12', meaning: 'deepest selection a query may nest (QUERY_TOO_COMPLEX beyond)', readBy: ['gateway', 'start'] }),
  GRAPHQL_MAX_TOKENS: define({ schema: positiveInt.default(5_000), defaultText: '5000', meaning: 'most lexical tokens a document may have; the parser stops there (QUERY_TOO_COMPLEX)', readBy: ['gateway', 'start'] }),
  GRAPHQL_MAX_ALIASES: define({ schema: positiveInt.default(30), defaultText: '30', meaning: 'most aliases an operation may use, through fragments (QUERY_TOO_COMPLEX beyond)', readBy: ['gateway', 'start'] }),
  GRAPHQL_MAX_DIRECTIVES: define({ schema: positiveInt.default(50), defaultText: '50', meaning: 'most directives an operation may use, through fragments (QUERY_TOO_COMPLEX beyond)', readBy: ['gateway', 'start'] }),
  GRAPHQL_MAX_COST: define({
    schema: positiveInt.default(5_000), defaultText: '5000',
    meaning: 'highest cost of one operation: every field counts 1, times the list size (`first`/`last`, else the default page of 20) of each list around it (QUERY_TOO_COMPLEX beyond)',
    readBy: ['gateway', 'start'],
  }),
  GRAPHQL_MAX_BODY_BYTES: define({ schema: positiveInt.default(2 * 1024 * 1024), defaultText: '2097152', meaning: 'largest HTTP request body on /graphql (413 QUERY_TOO_COMPLEX beyond)', readBy: ['gateway', 'start'] }),
  PERSISTED_OPERATIONS: define({
    schema: z.enum(['optional', 'required']).default('optional'), defaultText: 'optional',
    meaning: '`required`: the gateway runs only the operations of the manifest (`schema/persisted-operations.json`, by sha256Hash); any other document is PERSISTED_QUERY_REQUIRED. `optional`: documents and automatic persisted queries (cached in the key-value store) too',
    readBy: ['gateway', 'start'],
  }),
  RATE_LIMIT_SIGNUPS_PER_HOUR: define({ schema: positiveInt.default(20), defaultText: '20', meaning: 'signUp calls per client address per hour (RATE_LIMITED beyond)', readBy: ['gateway', 'start'] }),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: define({
    schema: positiveInt.default(60), defaultText: '60',
    meaning: 'operations without a credential (logIn, refreshSession, introspection, ...) per client address per minute (RATE_LIMITED beyond)', readBy: ['gateway', 'start'],
  }),
  TENANT_BUDGET_SCALE: define({
    schema: z.coerce.number().positive().default(1), defaultText: '1',
    meaning: "multiplies every plan's per-minute budgets and WebSocket cap as `tenant.limits` shows and the gateway enforces them (load tests)", readBy: ['platform', 'start'],
  }),
  PASSWORD_HASH_CONCURRENCY: define({
    schema: positiveInt.optional(), defaultText: 'half the CPU cores, at least 1',
    meaning: 'argon2 hashes and verifications run at once per platform process; the others wait', readBy: ['platform', 'start'],
  }),
  PASSWORD_HASH_QUEUE: define({
    schema: z.coerce.number().int().min(0).default(32), defaultText: '32',
    meaning: 'argon2 jobs that may wait for a slot; beyond, signUp and logIn answer RATE_LIMITED (Retry-After 1)', readBy: ['platform', 'start'],
  }),
  PASSWORD_HASH_MEMORY_KIB: define({
    // OWASP's floor for argon2id is 19 MiB with 2 passes; argon2's default (64 MiB, 3 passes) is stronger and ~6x the CPU.
    schema: z.coerce.number().int().min(19_456).default(65_536), defaultText: '65536 (argon2 default; at least 19456)',
    meaning: 'memory of each new argon2id password hash, in KiB; existing hashes keep their own parameters', readBy: ['platform', 'start'],
  }),
  PASSWORD_HASH_PASSES: define({
    schema: z.coerce.number().int().min(2).default(3), defaultText: '3 (argon2 default; at least 2)',
    meaning: 'passes (time cost) of each new argon2id password hash', readBy: ['platform', 'start'],
  }),
  WS_MAX_MESSAGE_BYTES: define({ schema: positiveInt.default(64 * 1024), defaultText: '65536', meaning: 'largest WebSocket message a client may send (close 1009 beyond)', readBy: ['gateway', 'start'] }),
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: define({ schema: positiveInt.default(25), defaultText: '25', meaning: 'subscriptions one WebSocket may hold at once (close 4429 beyond)', readBy: ['gateway', 'start'] }),
  WS_KEEPALIVE_MS: define({
    schema: positiveInt.default(12_000), defaultText: '12000',
    meaning: 'the gateway pings every WebSocket this often; one that has not answered within as long again is dropped', readBy: ['gateway', 'start'],
  }),
  INTROSPECTION: define({ schema: bool.default(true), defaultText: 'true', meaning: 'whether the gateway answers introspection; when false, validation errors do not suggest field names either', readBy: ['gateway', 'start'] }),
  TRUST_PROXY: define({
    schema: trustProxy.default(false), defaultText: 'false',
    meaning: "Express `trust proxy`: true, a hop count or proxy addresses; decides the client IP used by budgets, log-in throttling and audit. Set it behind a proxy, or every client shares the proxy's address", readBy: ['gateway', 'start'],
  }),
  SUBSCRIPTION_CONCURRENCY: define({ schema: positiveInt.default(32), defaultText: '32', meaning: 'subscription payloads resolved at once per gateway', readBy: ['gateway', 'start'] }),
  WS_CONNECTION_INIT_TIMEOUT_MS: define({ schema: positiveInt.default(3_000), defaultText: '3000', meaning: 'how long a WebSocket may wait before connection_init (then 4408)', readBy: ['gateway', 'start'] }),
  DATABASE_PROVISIONER_INTERVAL_MS: define({
    schema: z.coerce.number().int().min(0).optional(), defaultText: '2000 (0 under jest)',
    meaning: 'milliseconds between steps of the database-instance provisioner; 0 turns it off', readBy: ['platform', 'start'],
  }),
  GATEWAY_INFLIGHT_DEDUP: define({
    schema: bool.default(false), defaultText: 'false',
    meaning: 'identical in-flight subgraph queries of the same caller (tenant, actor, permissions) share one call; never across callers, never mutations', readBy: ['gateway', 'start'],
  }),
  GATEWAY_EXECUTOR: define({
    schema: z.enum(['apollo', 'compiled']).default('compiled'), defaultText: 'compiled',
    meaning: "what executes the gateway's query plans: `compiled` (plan runner and result shaping compiled once per operation, behind the same seams; anything it does not run goes to Apollo's) or `apollo` (@apollo/gateway's executor for every operation)", readBy: ['gateway', 'start'],
  }),
  QUERY_PLAN_CACHE_ENTRIES: define({
    schema: positiveInt.default(1_000), defaultText: '1000',
    meaning: "query plans the gateway keeps (least recently used out first); it plans every operation of the persisted manifest before it is ready, so it refuses to start when this cannot hold them", readBy: ['gateway', 'start'],
  }),
  SEARCH_ENGINE: define({
    schema: z.enum(['postgres', 'opensearch']).default('postgres'), defaultText: 'postgres',
    meaning: "the search subgraph's engine: `postgres` (full-text search in its own schema) or `opensearch` (needs OPENSEARCH_URL)", readBy: ['search', 'start'],
  }),
  OPENSEARCH_URL: define({ schema: httpUrl.optional(), defaultText: '—', meaning: 'OpenSearch node the search subgraph indexes into when SEARCH_ENGINE=opensearch', readBy: ['search', 'start'] }),
  SUPERGRAPH_PATH: define({ schema: z.string().optional(), defaultText: 'schema/supergraph.graphql', meaning: 'composed supergraph the standalone gateway serves', readBy: ['gateway'] }),
  SHUTDOWN_TIMEOUT_MS: define({
    schema: z.coerce.number().int().min(0).default(10_000), defaultText: '10000',
    meaning: 'how long a stopping process (SIGTERM/SIGINT) waits for in-flight requests and WebSocket close handshakes', readBy: ALL_SERVICES,
  }),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: define({
    schema: z.coerce.number().int().min(1_000).default(65_000), defaultText: '65000',
    meaning: "how long the gateway and the subgraphs keep an idle keep-alive connection open; keep it above every client's idle time (the gateway's subgraph pool: 30 s; a load balancer's idle timeout)", readBy: ALL_SERVICES,
  }),
  APOLLO_TELEMETRY_DISABLED: define({
    schema: bool.optional(), defaultText: 'true (set by the platform)', meaning: "`false` opts in to @apollo/gateway's usage telemetry to Apollo (off otherwise: nothing leaves the machine)", readBy: ['gateway', 'start'],
  }),
  BACBOS_DATA_DIR: define({ schema: z.string().optional(), defaultText: '.data', meaning: "npm start's data folder (embedded PostgreSQL, dev secrets, local objects)", readBy: ['start'] }),
  EMBEDDED_PG_PORT: define({ schema: port.default(54329), defaultText: '54329', meaning: 'port of the embedded PostgreSQL (npm start without DATABASE_URL), loopback only', readBy: ['start'] }),
  TOPOLOGY_BASE_PORT: define({
    schema: z.coerce.number().int().min(1).max(65_525).default(4000), defaultText: '4000',
    meaning: `\`npm run topology\`: the first gateway's port; subgraphs at +1..+${SUBGRAPHS.length}, the second gateway at +10`, readBy: ['topology'],
  }),
  TOPOLOGY_DIR: define({ schema: z.string().optional(), defaultText: '.data/topology', meaning: '`npm run topology`: logs, pids and generated secrets', readBy: ['topology'] }),
  TOPOLOGY_STOP_TIMEOUT_MS: define({ schema: positiveInt.default(15_000), defaultText: '15000', meaning: '`npm run topology -- down`: wait after SIGTERM before SIGKILL', readBy: ['topology'] }),
  GATEWAY_URL: define({ schema: httpUrl.default('http://127.0.0.1:4000/graphql'), defaultText: 'http://127.0.0.1:4000/graphql', meaning: '`npm run seed`: the running platform\'s GraphQL endpoint the demo data is written through', readBy: ['seed'] }),
};
export type SettingName = keyof typeof SETTINGS;

/** Variables spelled once per subgraph, e.g. CRM_DATABASE_URL; the shared one is the fallback. */
export const SUBGRAPH_SETTINGS = {
  DATABASE_URL: define({ schema: postgresUrl.optional(), defaultText: 'DATABASE_URL', meaning: "owner connection of this subgraph's schema", readBy: [] }),
  APP_DATABASE_URL: define({ schema: postgresUrl.optional(), defaultText: 'APP_DATABASE_URL', meaning: 'application connection of this subgraph', readBy: [] }),
  PORT: define({ schema: port.optional(), defaultText: Object.entries(DEFAULT_PORTS).map(([name, port]) => `${name} ${port}`).join(', '), meaning: 'HTTP port of that process (`GATEWAY_PORT`, `CRM_PORT`, ...)', readBy: [] }),
  SUBGRAPH_URL: define({ schema: httpUrl.optional(), defaultText: 'the URL in the supergraph', meaning: 'where the gateway reaches that subgraph (`CRM_SUBGRAPH_URL`, ...)', readBy: [] }),
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

function parse<T>(name: string, schema: z.ZodType<T>, env: NodeJS.ProcessEnv): T {
  const raw = env[name];
  const result = schema.safeParse(raw === '' ? undefined : raw);
  if (!result.success) throw new ConfigError([`${name}: ${result.error.issues.map((i) => i.message).join(', ')} (got "${raw}")`]);
  return result.data;
}

/** The validated value of one setting, read now (tests and npm start set variables at run time). */
export function setting<K extends SettingName>(name: K, env: NodeJS.ProcessEnv = process.env): z.output<(typeof SETTINGS)[K]['schema']> {
  return parse(name, SETTINGS[name].schema as z.ZodType<z.output<(typeof SETTINGS)[K]['schema']>>, env);
}

function subgraphUrl(name: SubgraphName, key: 'DATABASE_URL' | 'APP_DATABASE_URL', env: NodeJS.ProcessEnv): string | undefined {
  return parse(`${name.toUpperCase()}_${key}`, SUBGRAPH_SETTINGS[key].schema, env);
}

function processPort(name: SubgraphName | 'gateway', env: NodeJS.ProcessEnv): number | undefined {
  return parse(`${name.toUpperCase()}_PORT`, SUBGRAPH_SETTINGS.PORT.schema, env);
}

/**
 * Checks every variable the process reads, and that what it needs is there; throws one
 * ConfigError listing every problem. Each entry point calls it before it starts anything.
 */
export function validateConfig(processName: ProcessName, env: NodeJS.ProcessEnv = process.env): void {
  const problems: string[] = [];
  const attempt = (check: () => unknown) => {
    try {
      check();
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else problems.push((error as Error).message);
    }
  };
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    if (SETTINGS[name].readBy.includes(processName)) attempt(() => setting(name, env));
  }
  const subgraphs = processName === 'start' || processName === 'migrate' ? SUBGRAPHS : (SUBGRAPHS as readonly string[]).includes(processName) ? [processName as SubgraphName] : [];
  for (const subgraph of subgraphs) {
    attempt(() => subgraphUrl(subgraph, 'DATABASE_URL', env));
    attempt(() => subgraphUrl(subgraph, 'APP_DATABASE_URL', env));
    attempt(() => processPort(subgraph, env));
  }
  if (processName === 'gateway') attempt(() => processPort('gateway', env));
  // npm start generates its own secrets and database; standalone processes must be told.
  if (processName !== 'start') {
    for (const subgraph of subgraphs) {
      attempt(() => databaseUrlFor(subgraph, env));
      if (processName !== 'migrate') attempt(() => appDatabaseUrlFor(subgraph, env));
    }
    if (processName !== 'migrate') attempt(() => internalContextSecret(env));
    if (SETTINGS.ACCESS_TOKEN_SECRET.neededBy?.includes(processName)) attempt(() => accessTokenSecret(env));
  }
  if (problems.length) throw new ConfigError(problems);
}

/**
 * The variables a process needs when it runs on its own (compose, topology): what `neededBy`
 * names, with DATABASE_URL satisfied by the subgraph's own `<SUBGRAPH>_DATABASE_URL` too.
 */
export function deploymentVariables(processName: ProcessName): string[] {
  return (Object.keys(SETTINGS) as SettingName[]).filter((name) => (SETTINGS[name] as Setting<unknown>).neededBy?.includes(processName));
}

// ---------------------------------------------------------------------------------------------
// helpers over the catalog

export function databaseUrlFor(subgraph: SubgraphName, env: NodeJS.ProcessEnv = process.env): string {
  const url = subgraphUrl(subgraph, 'DATABASE_URL', env) ?? setting('DATABASE_URL', env);
  if (!url) throw new ConfigError([`DATABASE_URL: not set (or ${subgraph.toUpperCase()}_DATABASE_URL)`]);
  return url;
}

/**
 * The URL a subgraph's request-serving code connects with: <SUBGRAPH>_APP_DATABASE_URL or
 * APP_DATABASE_URL when set, otherwise its database URL with the bacbos_app role and
 * APP_DB_PASSWORD (the migrate command gives the role that password). Migrations, the outbox relay
 * and the audit ingester keep the owner's URL.
 */
export function appDatabaseUrlFor(subgraph: SubgraphName, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = subgraphUrl(subgraph, 'APP_DATABASE_URL', env) ?? setting('APP_DATABASE_URL', env);
  if (explicit) return explicit;
  const password = setting('APP_DB_PASSWORD', env);
  if (!password) throw new ConfigError(['APP_DB_PASSWORD: not set (or APP_DATABASE_URL): the password of the bacbos_app database role']);
  const url = new URL(databaseUrlFor(subgraph, env));
  url.username = APP_DB_ROLE;
  url.password = password;
  return url.toString();
}

export function portFor(name: SubgraphName | 'gateway', env: NodeJS.ProcessEnv = process.env): number {
  return processPort(name, env) ?? DEFAULT_PORTS[name];
}

function requiredSecret(name: 'INTERNAL_CONTEXT_SECRET' | 'ACCESS_TOKEN_SECRET', env: NodeJS.ProcessEnv): string {
  const value = setting(name, env);
  if (!value) throw new ConfigError([`${name}: not set: a random string of at least 32 characters`]);
  return value;
}

/** Secret the gateway signs the forwarded caller identity with; only gateway and subgraphs know it. */
export const internalContextSecret = (env: NodeJS.ProcessEnv = process.env) => requiredSecret('INTERNAL_CONTEXT_SECRET', env);
/** Secret access tokens (JWT) are signed with; known to the platform subgraph and the gateway. */
export const accessTokenSecret = (env: NodeJS.ProcessEnv = process.env) => requiredSecret('ACCESS_TOKEN_SECRET', env);

/** How long published events stay in each subgraph's outbox, in ms (OUTBOX_RETENTION_HOURS). */
export function outboxRetentionMs(): number {
  return setting('OUTBOX_RETENTION_HOURS') * 3_600_000;
}

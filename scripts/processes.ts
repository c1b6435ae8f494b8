// The processes of a deployment and the variables each one needs: the ONE list that
// `npm run serve`, `npm run topology` and docker-compose.yml follow (tests/deploy/compose.test.ts
// fails when compose drifts from it; the topology refuses to start a process it has no value for).
//
// `env` lists what a deployment must set for the process (the topology passes exactly these, and
// compose must set each); `optional` lists what it may set (defaults apply otherwise). Point these
// lists at the per-process configuration schemas once they exist, and keep this file the only
// place that says which process reads what.
import { SUBGRAPHS, type SubgraphName } from '@bacbos/common';

export type ProcessName = 'migrate' | SubgraphName | 'gateway';

export interface ProcessSpec {
  name: ProcessName;
  /** A job runs to completion before the servers start; a server keeps running. */
  kind: 'job' | 'server';
  /** The compiled entry point, relative to dist/. */
  entry: string;
  /** The variable holding the server's port (servers only). */
  portVariable?: string;
  env: readonly string[];
  optional: readonly string[];
}

/** Read by every process. */
const COMMON_OPTIONAL = ['NODE_ENV', 'LOG_LEVEL'] as const;
/** Read by every server: where it listens, the signed caller context, events, the shared store. */
const SERVER_ENV = ['HOST', 'INTERNAL_CONTEXT_SECRET', 'KAFKA_BROKERS', 'REDIS_URL'] as const;
const SERVER_OPTIONAL = ['REDIS_KEY_PREFIX'] as const;
/** A subgraph's own database (the owner URL; requests run as the bacbos_app role). */
const SUBGRAPH_ENV = ['DATABASE_URL', 'APP_DB_PASSWORD'] as const;
const subgraphOptional = (name: SubgraphName) =>
  [`${name.toUpperCase()}_DATABASE_URL`, `${name.toUpperCase()}_APP_DATABASE_URL`, 'APP_DATABASE_URL', 'DB_POOL_SIZE', 'OUTBOX_RETENTION_HOURS'] as const;

/** What a subgraph needs beyond every subgraph's variables. */
const SUBGRAPH_EXTRA: Record<SubgraphName, { env: readonly string[]; optional: readonly string[] }> = {
  platform: { env: ['ACCESS_TOKEN_SECRET'], optional: ['MFA_ENCRYPTION_KEY', 'DATABASE_PROVISIONER_INTERVAL_MS'] },
  crm: { env: [], optional: [] },
  office: { env: ['S3_ENDPOINT', 'S3_PUBLIC_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'S3_REGION'], optional: ['S3_BUCKET'] },
  identity: { env: ['ACCESS_TOKEN_SECRET'], optional: [] },
  hr: { env: [], optional: [] },
};

/** The variable naming a subgraph's URL for the gateway (gateway/src/subgraph-urls.ts reads it). */
export const subgraphUrlVariable = (name: SubgraphName) => `${name.toUpperCase()}_SUBGRAPH_URL`;

export const PROCESSES: readonly ProcessSpec[] = [
  {
    name: 'migrate',
    kind: 'job',
    entry: 'scripts/migrate.js',
    env: ['DATABASE_URL', 'APP_DB_PASSWORD'],
    optional: [...COMMON_OPTIONAL, 'APP_DATABASE_URL', ...SUBGRAPHS.map((s) => `${s.toUpperCase()}_DATABASE_URL`)],
  },
  ...SUBGRAPHS.map((name): ProcessSpec => ({
    name,
    kind: 'server',
    entry: `subgraphs/${name}/src/main.js`,
    portVariable: `${name.toUpperCase()}_PORT`,
    env: [...SUBGRAPH_ENV, ...SERVER_ENV, `${name.toUpperCase()}_PORT`, ...SUBGRAPH_EXTRA[name].env],
    optional: [...COMMON_OPTIONAL, ...SERVER_OPTIONAL, ...subgraphOptional(name), ...SUBGRAPH_EXTRA[name].optional],
  })),
  {
    name: 'gateway',
    kind: 'server',
    entry: 'gateway/src/main.js',
    portVariable: 'GATEWAY_PORT',
    env: [...SERVER_ENV, 'GATEWAY_PORT', 'ACCESS_TOKEN_SECRET', ...SUBGRAPHS.map(subgraphUrlVariable)],
    optional: [
      ...COMMON_OPTIONAL, ...SERVER_OPTIONAL, 'SUPERGRAPH_PATH', 'TRUST_PROXY', 'INTROSPECTION', 'GRAPHQL_MAX_DEPTH', 'GRAPHQL_MAX_FIELDS',
      'SUBSCRIPTION_CONCURRENCY', 'WS_CONNECTION_INIT_TIMEOUT_MS',
    ],
  },
];

export function processSpec(name: string): ProcessSpec {
  const spec = PROCESSES.find((p) => p.name === name);
  if (!spec) throw new Error(`unknown process '${name}' (expected one of: ${PROCESSES.map((p) => p.name).join(', ')})`);
  return spec;
}

/** How a process is started from the compiled output (compose's `command`, the topology's spawn). */
export const commandOf = (spec: ProcessSpec): string[] => ['node', '--enable-source-maps', `dist/${spec.entry}`];

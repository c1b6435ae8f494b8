// Boots the whole platform in one process: migrations, the five subgraphs and the gateway. Used by
// `npm start` (scripts/start.ts) and by the end-to-end tests (tests/helpers/platform.ts).
import { join } from 'node:path';
import { Client } from 'pg';
import { APP_DB_ROLE, createEventBus, databaseUrlFor, guardConnection, migrate, portFor, startSubgraph, type EventBus, type RunningSubgraph } from '@bacbos/common';
import { startGateway, type RunningGateway } from '@bacbos/gateway';
import { currentSupergraph } from './compose';
import { checkoutRoot } from './checkout';
import { SUBGRAPH_ENTRIES } from './subgraphs';

const root = checkoutRoot;

/**
 * Applies every subgraph's pending migrations to its own database URL, then lets the application
 * role log in with APP_DB_PASSWORD (unless APP_DATABASE_URL says the operator manages it).
 */
export async function migrateAll(log: (line: string) => void = () => {}): Promise<void> {
  for (const entry of SUBGRAPH_ENTRIES) {
    await migrate({
      connectionString: databaseUrlFor(entry.name),
      schema: entry.name,
      migrationsDir: join(root, 'prisma', entry.name, 'migrations'),
      log,
    });
  }
  const password = process.env.APP_DB_PASSWORD;
  if (password && !process.env.APP_DATABASE_URL) {
    const client = guardConnection(new Client({ connectionString: databaseUrlFor('platform') }), 'migrate');
    await client.connect();
    try {
      await client.query(`ALTER ROLE ${APP_DB_ROLE} LOGIN PASSWORD '${password.replace(/'/g, "''")}'`);
    } finally {
      await client.end();
    }
  }
}

export interface RunningPlatform {
  gatewayUrl: string;
  gateway: RunningGateway;
  subgraphs: RunningSubgraph[];
  /** Kafka when KAFKA_BROKERS is set, otherwise the in-process bus. */
  bus: EventBus;
  stop(): Promise<void>;
}

export async function bootPlatform(options: {
  /** Use ephemeral ports (tests) instead of the default 4000-4005. */
  ephemeralPorts?: boolean;
  host?: string;
  internalContextSecret: string;
  accessTokenSecret: string;
  log?: (line: string) => void;
  /** Receives how long each phase of the boot took (ms), in order. */
  phases?: Record<string, number>;
  /** Called as each phase ends: migrations, subgraph <name> (each), subgraphs (all), supergraph, gateway, query plans. */
  onPhase?: (name: string, ms: number) => void;
}): Promise<RunningPlatform> {
  let mark = Date.now();
  const record = (name: string, ms: number) => {
    if (options.phases) options.phases[name] = ms;
    options.onPhase?.(name, ms);
  };
  const phase = (name: string) => {
    record(name, Date.now() - mark);
    mark = Date.now();
  };
  await migrateAll(options.log);
  phase('migrations');
  const bus = createEventBus('bacbos');
  const subgraphs: RunningSubgraph[] = [];
  let gateway: RunningGateway | undefined;
  try {
    // All at once: each waits on its database pool, relay and consumers while the others build.
    const started = await Promise.allSettled(
      SUBGRAPH_ENTRIES.map(async (entry) => {
        const since = Date.now();
        const running = await startSubgraph(entry.create(), { port: options.ephemeralPorts ? 0 : portFor(entry.name), host: '127.0.0.1', bus });
        record(`subgraph ${entry.name}`, Date.now() - since);
        return running;
      }),
    );
    for (const result of started) if (result.status === 'fulfilled') subgraphs.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    phase('subgraphs');
    // Of the subgraphs' current SDL, so local schema edits show without a compose step.
    const supergraph = currentSupergraph(Object.fromEntries(subgraphs.map((s) => [s.name, s.schema])));
    phase('supergraph');
    gateway = await startGateway({
      supergraphSdl: supergraph,
      subgraphUrls: Object.fromEntries(subgraphs.map((s) => [s.name, s.url])),
      internalContextSecret: options.internalContextSecret,
      accessTokenSecret: options.accessTokenSecret,
      port: options.ephemeralPorts ? 0 : portFor('gateway'),
      host: options.host,
      bus,
    });
    phase('gateway');
    record('query plans', gateway.warmedPlans.ms); // part of the gateway's start: it plans before it listens
  } catch (error) {
    await Promise.allSettled(subgraphs.map((s) => s.stop()));
    await bus.close();
    throw error;
  }
  const running = gateway;
  return {
    gatewayUrl: running.url,
    gateway: running,
    subgraphs,
    bus,
    stop: async () => {
      await running.stop();
      await Promise.allSettled(subgraphs.map((s) => s.stop()));
      await bus.close();
    },
  };
}

// The production topology for a test file: a database, a folder and free ports of its own
// (gateways base and +10, each subgraph at its offset), the shared Kafka, Redis and S3, and a Redis key prefix
// of its own. Used by the topology suite and the process-fault tests.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { instances, type TopologyOptions } from '../../scripts/topology';

/** The ports of the topology's servers, relative to its base port. */
const OFFSETS = instances(0).flatMap((i) => (i.port === undefined ? [] : [i.port]));

export function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = net.createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** True when every port of the topology on `basePort` is free again. */
export async function topologyPortsFree(basePort: number): Promise<boolean> {
  return (await Promise.all(OFFSETS.map((o) => portFree(basePort + o)))).every(Boolean);
}

/** A base port whose ports are all free, from `from` on, away from the ephemeral range. */
async function freeBasePort(from: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = from + 20 * Math.floor(Math.random() * 300);
    if (await topologyPortsFree(base)) return base;
  }
  throw new Error('no free base port');
}

async function admin<T>(fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: process.env.TEST_SERVER_URL });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

export interface TestTopology {
  options: TopologyOptions;
  dir: string;
  drop(): Promise<void>;
}

/** Creates the database and folder named after `name`; `drop()` removes both (the logs stay with KEEP_TOPOLOGY_LOGS). */
export async function testTopology(name: string, portsFrom: number): Promise<TestTopology> {
  const database = `bacbos_${name}_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), `bacbos-${name}-`));
  await admin(async (db) => {
    await db.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await db.query(`CREATE DATABASE "${database}"`);
  });
  const url = new URL(process.env.TEST_SERVER_URL as string);
  url.pathname = `/${database}`;
  const options: TopologyOptions = {
    dir,
    basePort: await freeBasePort(portsFrom),
    env: { ...process.env, DATABASE_URL: url.toString(), NODE_ENV: 'production', LOG_LEVEL: 'info', REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}${name}:` },
    log: () => {},
  };
  return {
    options,
    dir,
    drop: async () => {
      await admin((db) => db.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
      if (!process.env.KEEP_TOPOLOGY_LOGS) rmSync(dir, { recursive: true, force: true });
    },
  };
}

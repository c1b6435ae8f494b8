// `npm start`: the whole platform on embedded defaults. With DATABASE_URL (or <SUBGRAPH>_DATABASE_URL)
// set it uses that database; otherwise it runs an embedded PostgreSQL whose data stays in
// <data>/postgres across restarts. Dev secrets are generated once into <data>/secrets.json. The
// data folder is BACBOS_DATA_DIR, default .data in the checkout.
// SIGINT (Ctrl-C) or SIGTERM stops it cleanly (packages/common/src/lifecycle.ts), the embedded
// PostgreSQL last.
import { shutdownTracing } from '@bacbos/common/tracing'; // first: instruments the modules the next imports load (off unless OTEL_* asks)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runProcess, setting, validateConfig } from '@bacbos/common';
import { EmbeddedPostgresError, newSuperuserPassword, startEmbeddedPostgres } from './embedded-postgres';
import { checkoutRoot } from './checkout';
import { bootPlatform } from './platform';

const root = checkoutRoot;
const dataDir = resolve(setting('BACBOS_DATA_DIR') ?? join(root, '.data'));

interface DevSecrets {
  internal: string;
  access: string;
  appDbPassword: string;
  /** The embedded PostgreSQL's superuser password. */
  postgres: string;
}

function devSecrets(): DevSecrets {
  const file = join(dataDir, 'secrets.json');
  const current = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>) : {};
  const secrets: DevSecrets = {
    internal: current.internal ?? randomBytes(32).toString('hex'),
    access: current.access ?? randomBytes(32).toString('hex'),
    appDbPassword: current.appDbPassword ?? randomBytes(24).toString('hex'),
    postgres: current.postgres ?? newSuperuserPassword(),
  };
  if (JSON.stringify(secrets) !== JSON.stringify(current)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  }
  return secrets;
}

/**
 * Proves the gateway serves: one query over HTTP, as a client sends it, before npm start says it
 * is up (the gateway has loaded the supergraph and planned the manifest's operations by then).
 */
async function firstQuery(url: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query StartupCheck { __typename }' }) });
  const body = (await response.json()) as { data?: { __typename?: string }; errors?: { extensions?: { code?: string } }[] };
  // With PERSISTED_OPERATIONS=required the gateway refuses any document outside the manifest, this one too.
  if (body.data?.__typename !== 'Query' && body.errors?.[0]?.extensions?.code !== 'PERSISTED_QUERY_REQUIRED') throw new Error(`the gateway answered its first query with ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
}

async function main(): Promise<() => Promise<void>> {
  const started = Date.now();
  const phases: Record<string, number> = {};
  // One line per phase as it ends, so a slow start shows where it stands.
  const report = (name: string, ms: number) => {
    phases[name] = ms;
    console.log(`start-up: ${name} ${ms} ms`);
  };
  // What loading the code took before main() ran: node, and the compiled platform (dist/) or tsx
  // compiling the TypeScript sources (scripts/start.cjs chooses).
  report('load', Math.round(process.uptime() * 1000));
  validateConfig('start');
  const secrets = devSecrets();
  let embedded: { stop: () => Promise<void> } | undefined;
  if (!process.env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres({ dataDir, port: setting('EMBEDDED_PG_PORT'), password: secrets.postgres, log: (line) => console.log(line) });
    process.env.DATABASE_URL = pg.url;
    embedded = pg;
  }
  report(embedded ? 'embedded database' : 'database', Date.now() - started);
  process.env.LOCAL_OBJECTS_DIR ??= join(dataDir, 'objects'); // the local object store, when S3 is not set
  process.env.INTERNAL_CONTEXT_SECRET ??= secrets.internal;
  process.env.ACCESS_TOKEN_SECRET ??= secrets.access;
  process.env.APP_DB_PASSWORD ??= secrets.appDbPassword;
  const platform = await bootPlatform({
    internalContextSecret: process.env.INTERNAL_CONTEXT_SECRET,
    accessTokenSecret: process.env.ACCESS_TOKEN_SECRET,
    host: process.env.HOST ?? '127.0.0.1',
    log: (line) => console.log(line),
    onPhase: report,
  }).catch(async (error: unknown) => {
    // The embedded database runs in its own process group: stop it rather than leave it behind.
    await embedded?.stop();
    throw error;
  });
  const queried = Date.now();
  await firstQuery(platform.gatewayUrl);
  report('first query', Date.now() - queried);
  const url = platform.gatewayUrl.replace('127.0.0.1', 'localhost');
  console.log(`BAC-BOS is up in ${Date.now() - started} ms: open the playground at ${url}`);
  // This process's CPU since node started, loading included: on a shared machine it shows what the start costs when the wall clock cannot.
  const cpu = process.cpuUsage();
  console.log(`start-up phases (ms): ${Object.entries(phases).map(([name, ms]) => `${name} ${ms}`).join(', ')}; CPU ${Math.round((cpu.user + cpu.system) / 1000)}`);
  return async () => {
    await platform.stop();
    await embedded?.stop();
  };
}

runProcess(
  'BAC-BOS',
  () =>
    main().catch((error: unknown) => {
      // One line the operator can act on, never a stack.
      const reason = error instanceof EmbeddedPostgresError || (error as Error).name === 'ConfigError' ? (error as Error).message : String((error as Error).message ?? error).split('\n')[0];
      console.error(`BAC-BOS failed to start: ${reason}`);
      process.exit(1);
    }),
  { announce: (line) => console.log(line), flush: shutdownTracing },
);

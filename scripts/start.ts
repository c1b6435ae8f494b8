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
import { bootPlatform } from './platform';

const root = join(__dirname, '..');
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

async function main(): Promise<() => Promise<void>> {
  const started = Date.now();
  // What loading the code took before main() ran (tsx compiles the TypeScript sources on the fly).
  const phases: Record<string, number> = { load: Math.round(process.uptime() * 1000) };
  validateConfig('start');
  const secrets = devSecrets();
  let embedded: { stop: () => Promise<void> } | undefined;
  if (!process.env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres({ dataDir, port: setting('EMBEDDED_PG_PORT'), password: secrets.postgres, log: (line) => console.log(line) });
    process.env.DATABASE_URL = pg.url;
    embedded = pg;
  }
  phases.database = Date.now() - started;
  process.env.LOCAL_OBJECTS_DIR ??= join(dataDir, 'objects'); // the local object store, when S3 is not set
  process.env.INTERNAL_CONTEXT_SECRET ??= secrets.internal;
  process.env.ACCESS_TOKEN_SECRET ??= secrets.access;
  process.env.APP_DB_PASSWORD ??= secrets.appDbPassword;
  const platform = await bootPlatform({
    internalContextSecret: process.env.INTERNAL_CONTEXT_SECRET,
    accessTokenSecret: process.env.ACCESS_TOKEN_SECRET,
    host: process.env.HOST ?? '127.0.0.1',
    log: (line) => console.log(line),
    phases,
  });
  const url = platform.gatewayUrl.replace('127.0.0.1', 'localhost');
  console.log(`BAC-BOS is up in ${Date.now() - started} ms: open the playground at ${url}`);
  console.log(`start-up phases (ms): ${Object.entries(phases).map(([name, ms]) => `${name} ${ms}`).join(', ')}`);
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

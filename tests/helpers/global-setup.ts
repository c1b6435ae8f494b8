// Runs once before all tests: a fresh, migrated database on the real PostgreSQL of DATABASE_URL.
// Every run starts from an empty database of its own (bacbos_test_<pid>, dropped by the teardown),
// so results never depend on earlier runs and two runs at once do not collide.
import { Client } from 'pg';
import { migrateAll } from '../../scripts/platform';

export default async function globalSetup(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    throw new Error('DATABASE_URL is not set: run the tests with `npm test`, which starts PostgreSQL (scripts/services.sh)');
  }
  // The application role's password on the test cluster (not a secret: loopback-only test server;
  // the same value for every run so parallel runs do not change it under each other).
  process.env.APP_DB_PASSWORD ??= 'bacbos-test-app-role';
  const name = process.env.TEST_DATABASE_NAME ?? `bacbos_test_${process.pid}`;
  process.env.TEST_DATABASE_NAME = name;
  process.env.TEST_SERVER_URL = serverUrl;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  await migrateAll();
}

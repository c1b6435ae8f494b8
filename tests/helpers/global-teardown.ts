// Drops the run's own test database (see global-setup.ts).
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const name = process.env.TEST_DATABASE_NAME;
  const serverUrl = process.env.TEST_SERVER_URL;
  if (!name || !serverUrl || process.env.KEEP_TEST_DATABASE) return;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

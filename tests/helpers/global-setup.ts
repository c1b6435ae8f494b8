// Runs once before all tests: the database must exist and be migrated. Fails loudly without one,
// because every integration test needs a real PostgreSQL.
import { migrateAll } from '../../scripts/platform';

export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    throw new Error('DATABASE_URL is not set: run the tests with `npm test`, which starts PostgreSQL (scripts/services.sh)');
  }
  await migrateAll();
}

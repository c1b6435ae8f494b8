// Run by tests/start/embedded-postgres.test.ts as an ordinary OS user: starts the embedded
// PostgreSQL in the given data folder, runs one query, stops it and prints what happened as JSON.
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, port, password] = process.argv.slice(2);
  const pg = await startEmbeddedPostgres({ dataDir, port: Number(port), password });
  const client = new Client({ connectionString: pg.url });
  await client.connect();
  const { rows } = await client.query<{ user: string }>('SELECT current_user AS user');
  await client.end();
  await pg.stop();
  console.log(JSON.stringify({ user: rows[0].user }));
}

main().catch((error) => {
  console.log(JSON.stringify({ error: (error as Error).message }));
  process.exit(1);
});

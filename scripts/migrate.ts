// `npm run migrate`: applies every subgraph's pending SQL migrations to its own database URL
// (<SUBGRAPH>_DATABASE_URL, else DATABASE_URL). Safe to run from several instances at once.
import { migrateAll } from './platform';

migrateAll((line) => console.log(line))
  .then(() => console.log('migrate: every subgraph is up to date'))
  .catch((error) => {
    console.error((error as Error).message);
    process.exit(1);
  });

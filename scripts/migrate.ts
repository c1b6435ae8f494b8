// `npm run migrate`: applies every subgraph's pending SQL migrations to its own database URL
// (<SUBGRAPH>_DATABASE_URL, else DATABASE_URL). Safe to run from several instances at once.
import { validateConfig } from '@bacbos/common';
import { migrateAll } from './platform';

Promise.resolve()
  .then(() => validateConfig('migrate'))
  .then(() => migrateAll((line) => console.log(line)))
  .then(() => console.log('migrate: every subgraph is up to date'))
  .catch((error) => {
    console.error(`migrate failed: ${(error as Error).message.split('\n')[0]}`);
    process.exit(1);
  });

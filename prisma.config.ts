// Prisma 7 reads its settings from here. Each subgraph has its own schema and migrations under
// prisma/<subgraph>/ (a schema folder, prisma/<subgraph>/schema/, with one file per module);
// scripts/prisma-generate.mjs passes --schema <folder> for each one, and the project's
// own migrate command (scripts/migrate.ts) applies the SQL migrations (see README, "Migrations").
import { defineConfig } from 'prisma/config';

export default defineConfig({});

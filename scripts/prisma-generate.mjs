#!/usr/bin/env node
// Generates one Prisma client per subgraph from its schema folder (prisma/<subgraph>/schema/: schema.prisma
// holds the generator and datasource, one <module>.prisma per module). Generated clients are
// build output (gitignored). `prisma generate` insists on a schema-engine binary being present even
// though it never runs it, and Prisma's CDN cannot be reached here, so any existing executable will do.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prismaBin = join(root, 'node_modules', '.bin', 'prisma');
if (!existsSync(prismaBin)) process.exit(0); // partial install (e.g. --omit=dev): nothing to do
// CHECKPOINT_DISABLE: the Prisma CLI otherwise reports each run to checkpoint.prisma.io.
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE ?? '1' };
for (const name of readdirSync(join(root, 'prisma')).sort()) {
  const schema = join(root, 'prisma', name, 'schema');
  if (!existsSync(schema)) continue;
  execFileSync(prismaBin, ['generate', '--schema', schema], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`prisma: generated the ${name} client`);
}

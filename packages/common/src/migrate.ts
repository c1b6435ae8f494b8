// The project's own migration runner. Prisma's `migrate deploy` needs its native schema engine,
// which cannot be installed here, so this applies the same SQL files (prisma/<subgraph>/migrations/
// <timestamp>_<name>/migration.sql) and records them in a `_prisma_migrations` table of Prisma's
// shape, with Prisma's checksum (SHA-256 of the file), so that `prisma migrate deploy` on a machine
// with the engine sees them as applied.
//
// Each migration runs in its own transaction together with its record. The whole run holds a
// Postgres advisory lock (the key Prisma itself uses), so two instances starting at once apply each
// migration exactly once. An applied migration whose file changed is refused.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { guardConnection } from './lifecycle';

/** pg_advisory_lock key used by Prisma Migrate, so our runner and Prisma exclude each other. */
const PRISMA_ADVISORY_LOCK = 72707369;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  schema: string;
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {}

export function readMigrations(dir: string): MigrationFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function migrate(options: {
  connectionString: string;
  /** Postgres schema owned by the subgraph; its `_prisma_migrations` table lives there. */
  schema: string;
  migrationsDir: string;
  log?: (line: string) => void;
}): Promise<MigrateResult> {
  const { schema } = options;
  const table = `${quoteIdent(schema)}."_prisma_migrations"`;
  const files = readMigrations(options.migrationsDir);
  const client = guardConnection(new Client({ connectionString: options.connectionString }), 'migrate');
  await client.connect();
  const result: MigrateResult = { schema, applied: [], alreadyApplied: [] };
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum" VARCHAR(64) NOT NULL,
        "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL,
        "logs" TEXT,
        "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count" INTEGER NOT NULL DEFAULT 0
      )`);
      const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
        `SELECT migration_name, checksum, finished_at FROM ${table} WHERE rolled_back_at IS NULL`,
      );
      const applied = new Map(rows.map((r) => [r.migration_name, r]));
      for (const file of files) {
        const record = applied.get(file.name);
        if (record) {
          if (!record.finished_at) {
            throw new MigrationError(`${schema}: migration ${file.name} was started but never finished; resolve it by hand`);
          }
          if (record.checksum !== file.checksum) {
            throw new MigrationError(
              `${schema}: migration ${file.name} was edited after it was applied (checksum ${record.checksum.slice(0, 12)}… ` +
                `in the database, ${file.checksum.slice(0, 12)}… on disk). Applied migrations are immutable: ` +
                'revert the edit and add a new migration instead.',
            );
          }
          result.alreadyApplied.push(file.name);
          continue;
        }
        await client.query('BEGIN');
        try {
          await client.query(file.sql);
          await client.query(
            `INSERT INTO ${table} (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
             VALUES ($1, $2, now(), $3, now(), 1)`,
            [randomUUID(), file.checksum, file.name],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new MigrationError(`${schema}: migration ${file.name} failed and was rolled back: ${(error as Error).message}`);
        }
        result.applied.push(file.name);
        options.log?.(`migrate: ${schema}: applied ${file.name}`);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]);
    }
  } finally {
    await client.end();
  }
  return result;
}

// The project's migration runner (packages/common/src/migrate.ts) against the real PostgreSQL of the
// test database: ordering and Prisma-compatible bookkeeping, rollback of a failed migration, refusal
// of an edited migration, and two runners racing. Each test works in a throwaway Postgres schema with
// migration folders under os.tmpdir(), both removed afterwards.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { SUBGRAPHS, databaseUrlFor } from '@bacbos/common';
import { MigrationError, migrate } from '@bacbos/common';

const databaseUrl = (): string => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (the jest globalSetup sets it to the test database)');
  return url;
};

const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

let admin: Client;
const cleanups: (() => Promise<unknown> | void)[] = [];

beforeAll(async () => {
  admin = new Client({ connectionString: databaseUrl() });
  await admin.connect();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await admin.end();
});

/** A fresh schema name, dropped (with everything in it) after the test. */
function throwawaySchema(): string {
  const schema = `migrate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  cleanups.push(() => admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  return schema;
}

/** A temporary migrations folder: <dir>/<name>/migration.sql for each entry, removed after the test. */
function migrationsDir(migrations: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bacbos-migrate-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeMigrations(dir, migrations);
  return dir;
}

function writeMigrations(dir: string, migrations: Record<string, string>): void {
  for (const [name, sql] of Object.entries(migrations)) {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  }
}

interface MigrationRecord {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

async function records(schema: string): Promise<MigrationRecord[]> {
  const { rows } = await admin.query<MigrationRecord>(`SELECT * FROM "${schema}"._prisma_migrations ORDER BY migration_name`);
  return rows;
}

async function tableExists(schema: string, table: string): Promise<boolean> {
  const { rows } = await admin.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [`"${schema}"."${table}"`]);
  return rows[0].oid !== null;
}

describe('migrate()', () => {
  it('applies pending migrations in order, records them like Prisma, and applies nothing the second time', async () => {
    const schema = throwawaySchema();
    const first = `CREATE TABLE "${schema}".widgets (id integer PRIMARY KEY, name text NOT NULL);\n`;
    // Depends on the first migration, so it only succeeds when applied after it.
    const second = `ALTER TABLE "${schema}".widgets ADD COLUMN colour text;\nINSERT INTO "${schema}".widgets VALUES (1, 'one', 'red');\n`;
    // Created out of order on disk: the runner must sort by name, not trust readdir.
    const dir = migrationsDir({ '20260102000000_second': second, '20260101000000_first': first });
    mkdirSync(join(dir, '20260103000000_no_sql_file')); // a folder without migration.sql is not a migration
    const logged: string[] = [];

    const run1 = await migrate({ connectionString: databaseUrl(), schema, migrationsDir: dir, log: (line) => logged.push(line) });

    expect(run1).toEqual({ schema, applied: ['20260101000000_first', '20260102000000_second'], alreadyApplied: [] });
    expect(logged).toEqual([`migrate: ${schema}: applied 20260101000000_first`, `migrate: ${schema}: applied 20260102000000_second`]);
    expect((await admin.query(`SELECT id, name, colour FROM "${schema}".widgets`)).rows).toEqual([{ id: 1, name: 'one', colour: 'red' }]);
    const rows = await records(schema);
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual([
      ['20260101000000_first', sha256(readFileSync(join(dir, '20260101000000_first', 'migration.sql')))],
      ['20260102000000_second', sha256(readFileSync(join(dir, '20260102000000_second', 'migration.sql')))],
    ]);
    for (const r of rows) {
      expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.finished_at!.getTime()).toBeGreaterThanOrEqual(r.started_at.getTime());
      expect(r.rolled_back_at).toBeNull();
      expect(r.logs).toBeNull();
      expect(r.applied_steps_count).toBe(1);
    }
    expect(rows[1].started_at.getTime()).toBeGreaterThanOrEqual(rows[0].finished_at!.getTime());

    const run2 = await migrate({ connectionString: databaseUrl(), schema, migrationsDir: dir });
    expect(run2).toEqual({ schema, applied: [], alreadyApplied: ['20260101000000_first', '20260102000000_second'] });
    expect(await records(schema)).toEqual(rows);

    // A migration added later is the only one applied next time.
    writeMigrations(dir, { '20260104000000_third': `CREATE TABLE "${schema}".gadgets (id integer);\n` });
    const run3 = await migrate({ connectionString: databaseUrl(), schema, migrationsDir: dir });
    expect(run3.applied).toEqual(['20260104000000_third']);
    expect((await records(schema)).map((r) => r.migration_name)).toEqual(['20260101000000_first', '20260102000000_second', '20260104000000_third']);
  });

  it('rolls a failing migration back entirely, keeps the earlier one and names the failed migration', async () => {
    const schema = throwawaySchema();
    const dir = migrationsDir({
      '20260101000000_good': `CREATE TABLE "${schema}".good (id integer);\n`,
      // The first statement succeeds, the second fails: neither may survive.
      '20260102000000_bad': `CREATE TABLE "${schema}".half_done (id integer);\nINSERT INTO "${schema}".good (no_such_column) VALUES (1);\n`,
      '20260103000000_after': `CREATE TABLE "${schema}".after_bad (id integer);\n`,
    });

    const failure = migrate({ connectionString: databaseUrl(), schema, migrationsDir: dir });
    await expect(failure).rejects.toThrow(MigrationError);
    await expect(failure).rejects.toThrow(/20260102000000_bad.*no_such_column/);

    expect(await tableExists(schema, 'good')).toBe(true);
    expect(await tableExists(schema, 'half_done')).toBe(false);
    expect(await tableExists(schema, 'after_bad')).toBe(false); // the run stops at the failure
    expect((await records(schema)).map((r) => r.migration_name)).toEqual(['20260101000000_good']);

    // The failed migration left no record, so fixing its file and re-running applies it and the rest.
    writeMigrations(dir, { '20260102000000_bad': `CREATE TABLE "${schema}".half_done (id integer);\n` });
    const retry = await migrate({ connectionString: databaseUrl(), schema, migrationsDir: dir });
    expect(retry).toEqual({ schema, applied: ['20260102000000_bad', '20260103000000_after'], alreadyApplied: ['20260101000000_good'] });
  });

  it('refuses an applied migration whose file was edited, and applies nothing', async () => {
    const schema = throwawaySchema();
    const dir = migrationsDir({ '20260101000000_init': `CREATE TABLE "${schema}".things (id integer);\n` });
    await migrate({ connectionString: databaseUrl(), schema, migrationsDir: dir });
    const before = await records(schema);

    writeMigrations(dir, {
      '20260101000000_init': `CREATE TABLE "${schema}".things (id integer, extra text);\n`,
      '20260102000000_next': `CREATE TABLE "${schema}".next_things (id integer);\n`,
    });
    const refused = migrate({ connectionString: databaseUrl(), schema, migrationsDir: dir });
    await expect(refused).rejects.toThrow(MigrationError);
    await expect(refused).rejects.toThrow(/20260101000000_init was edited/);

    expect(await records(schema)).toEqual(before);
    expect(await tableExists(schema, 'next_things')).toBe(false);
  });

  it('applies each migration exactly once when two runs start at the same time', async () => {
    const schema = throwawaySchema();
    const names = ['20260101000000_slow_one', '20260102000000_slow_two'];
    const dir = migrationsDir({
      [names[0]]: `SELECT pg_sleep(0.5);\nCREATE TABLE "${schema}".slow_one (id integer);\nINSERT INTO "${schema}".slow_one VALUES (1);\n`,
      [names[1]]: `SELECT pg_sleep(0.5);\nINSERT INTO "${schema}".slow_one VALUES (2);\n`,
    });
    // Distinct application names let us watch both runners' sessions in pg_stat_activity.
    const tag = `migrate_test_${randomBytes(4).toString('hex')}`;
    const runner = (n: number) => {
      const url = new URL(databaseUrl());
      url.searchParams.set('application_name', `${tag}_${n}`);
      return migrate({ connectionString: url.toString(), schema, migrationsDir: dir });
    };

    // While both run, record whether one was ever seen waiting for the other's advisory lock.
    let running = true;
    let sawWaiter = false;
    const watcher = (async () => {
      while (running) {
        const { rows } = await admin.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
           WHERE application_name LIKE $1 AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
          [`${tag}_%`],
        );
        if (rows[0].waiting > 0) sawWaiter = true;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    let results;
    try {
      results = await Promise.all([runner(1), runner(2)]);
    } finally {
      running = false;
      await watcher;
    }

    expect(sawWaiter).toBe(true); // the runs really overlapped
    expect(results.flatMap((r) => r.applied).sort()).toEqual(names);
    expect(results.flatMap((r) => r.alreadyApplied).sort()).toEqual(names);
    expect((await records(schema)).map((r) => r.migration_name)).toEqual(names);
    expect((await admin.query(`SELECT id FROM "${schema}".slow_one ORDER BY id`)).rows).toEqual([{ id: 1 }, { id: 2 }]);
  });
});

describe('_prisma_migrations of the migrated subgraph schemas', () => {
  it("crm's table has exactly Prisma's columns, types, nullability, defaults and primary key", async () => {
    const client = new Client({ connectionString: databaseUrlFor('crm') });
    await client.connect();
    try {
      const { rows: columns } = await client.query(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
                pg_get_expr(d.adbin, d.adrelid) AS default
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = 'crm._prisma_migrations'::regclass AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attnum`,
      );
      expect(columns).toEqual([
        { name: 'id', type: 'character varying(36)', not_null: true, default: null },
        { name: 'checksum', type: 'character varying(64)', not_null: true, default: null },
        { name: 'finished_at', type: 'timestamp with time zone', not_null: false, default: null },
        { name: 'migration_name', type: 'character varying(255)', not_null: true, default: null },
        { name: 'logs', type: 'text', not_null: false, default: null },
        { name: 'rolled_back_at', type: 'timestamp with time zone', not_null: false, default: null },
        { name: 'started_at', type: 'timestamp with time zone', not_null: true, default: 'now()' },
        { name: 'applied_steps_count', type: 'integer', not_null: true, default: '0' },
      ]);
      const { rows: pk } = await client.query(
        `SELECT array_agg(a.attname)::text[] AS columns FROM pg_index ix
         JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ANY(ix.indkey)
         WHERE ix.indrelid = 'crm._prisma_migrations'::regclass AND ix.indisprimary`,
      );
      expect(pk).toEqual([{ columns: ['id'] }]);
    } finally {
      await client.end();
    }
  });

  it.each(SUBGRAPHS.map((s) => [s]))('%s: every migration folder is recorded once, finished, with the sha256 of its file', async (subgraph) => {
    const dir = join(__dirname, '..', '..', 'prisma', subgraph, 'migrations');
    const expected = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
      .map((name) => ({ migration_name: name, checksum: sha256(readFileSync(join(dir, name, 'migration.sql'))), finished: true, rolled_back: false }));
    const client = new Client({ connectionString: databaseUrlFor(subgraph) });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
         FROM "${subgraph}"._prisma_migrations ORDER BY migration_name`,
      );
      expect(rows).toEqual(expected);
    } finally {
      await client.end();
    }
  });
});

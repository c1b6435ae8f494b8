// `npm run migration -- <subgraph> <what_it_changes>`: writes the SQL migration that brings the
// subgraph's database to its Prisma schema (prisma/<subgraph>/schema/*.prisma, the one place a
// module's tables are described), as prisma/<subgraph>/migrations/<stamp>_<what_it_changes>/.
//
// Prisma's own `migrate diff` needs its native schema engine, which cannot be installed here, so
// this does what a new module needs: it applies the existing migrations to a scratch database
// (the project's runner, packages/common/src/migrate.ts), compares with the schema as Prisma parses
// it (scripts/prisma-schema.ts, the same reading the drift test checks against) and writes, for a
// model without a table, its CREATE TABLE with the key, indexes and foreign keys Prisma expects, the
// updated_at trigger, row-level security (enabled, forced, the tenant_isolation policy) and the grant
// to bacbos_app; for a new field of an existing model, its ADD COLUMN; for a new @@index/@@unique,
// its CREATE INDEX; for a new subgraph, first what every schema has (the app role's access, the
// updated_at function) and, for its outbox model, the relay's NOTIFY trigger. Anything else (a
// changed type, a dropped column) it leaves to a hand-written migration. tests/db/schema-drift.test.ts and tests/db/rls.test.ts check the result.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { APP_DB_ROLE, SUBGRAPHS, databaseUrlFor, migrate, type SubgraphName } from '@bacbos/common';
import { columnOf, defaultConstraintName, expectedColumnType, indexPredicates, parsePrismaSchema, readSchema, tableOf, type Datamodel, type DmmfField, type DmmfModel } from './prisma-schema';

const root = join(__dirname, '..');
const NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const TENANT_COLUMN = 'tenant_id';
const TENANT_POLICY = `(${TENANT_COLUMN} = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`;
const FK_ACTIONS: Record<string, string> = { NoAction: 'NO ACTION', Restrict: 'RESTRICT', Cascade: 'CASCADE', SetNull: 'SET NULL', SetDefault: 'SET DEFAULT' };

/** What the migrated scratch database holds: its tables with their columns and index names, and whether the updated_at function exists. */
interface Existing {
  columns: Map<string, Set<string>>;
  indexes: Set<string>;
  updatedAtFunction: boolean;
}

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** The SQL default of a field, or undefined when Prisma sets it in the client (uuid(), cuid()) or there is none. */
function sqlDefault(field: DmmfField): string | undefined {
  const value = field.default;
  if (value === undefined || value === null) return undefined;
  const literal = (v: unknown): string => (typeof v === 'string' ? quote(v) : String(v));
  if (Array.isArray(value)) return `ARRAY[${value.map(literal).join(', ')}]::${expectedColumnType(field)}`;
  if (typeof value === 'object') {
    const fn = value as { name: string; args: unknown[] };
    if (fn.name === 'now') return 'CURRENT_TIMESTAMP';
    if (fn.name === 'dbgenerated') return String(fn.args[0]);
    // autoincrement is the column's own sequence (a serial type, see columnDefinition).
    return undefined;
  }
  return literal(value);
}

function columnDefinition(field: DmmfField): string {
  if (field.kind !== 'scalar') throw new Error(`${field.name}: a ${field.kind} field is not written by this script (the drift test does not read it either)`);
  const declared = expectedColumnType(field);
  if (declared.startsWith('<')) throw new Error(`${field.name}: ${declared}`);
  const serial = (field.default as { name?: string } | null | undefined)?.name === 'autoincrement';
  const type = serial ? { integer: 'SERIAL', bigint: 'BIGSERIAL', smallint: 'SMALLSERIAL' }[declared] : declared;
  if (!type) throw new Error(`${field.name}: autoincrement on ${declared}`);
  const fallback = sqlDefault(field);
  return [columnOf(field), type, field.isRequired && !field.isList ? 'NOT NULL' : '', fallback ? `DEFAULT ${fallback}` : ''].filter(Boolean).join(' ');
}

function indexStatements(schema: string, model: DmmfModel, dm: Datamodel, predicates: Map<string, string>, existing: Set<string>): string[] {
  const table = tableOf(model);
  const columnByField = new Map(model.fields.map((f) => [f.name, columnOf(f)]));
  return dm.indexes
    .filter((index) => index.model === model.name && index.type !== 'id')
    .flatMap((index) => {
      const columns = index.fields.map((f) => columnByField.get(f.name)!);
      const name = index.dbName ?? defaultConstraintName(table, columns, index.type === 'unique' ? 'key' : 'idx');
      if (existing.has(name)) return [];
      const keys = index.fields.map((f) => `${columnByField.get(f.name)}${f.sortOrder === 'desc' ? ' DESC' : ''}`).join(', ');
      const using = index.algorithm && index.algorithm !== 'BTree' ? ` USING ${index.algorithm.toLowerCase()}` : '';
      const where = predicates.has(name) ? ` WHERE ${predicates.get(name)}` : '';
      return [`CREATE ${index.type === 'unique' ? 'UNIQUE ' : ''}INDEX ${name} ON ${schema}.${table}${using} (${keys})${where};`];
    });
}

function createTable(schema: string, model: DmmfModel, dm: Datamodel, predicates: Map<string, string>, existing: Existing): string[] {
  const table = tableOf(model);
  const scalars = model.fields.filter((f) => f.kind !== 'object');
  if (!scalars.some((f) => columnOf(f) === TENANT_COLUMN)) {
    throw new Error(`model ${model.name}: every table is a tenant's (row-level security on ${TENANT_COLUMN}); add tenantId String @map("${TENANT_COLUMN}") @db.Uuid`);
  }
  const columnByField = new Map(model.fields.map((f) => [f.name, columnOf(f)]));
  const key = dm.indexes.find((i) => i.model === model.name && i.type === 'id');
  if (!key) throw new Error(`model ${model.name} has no @id or @@id`);
  const keyColumns = key.fields.map((f) => columnByField.get(f.name)!);
  const lines = [
    ...scalars.map(columnDefinition),
    `CONSTRAINT ${key.dbName ?? defaultConstraintName(table, keyColumns, 'pkey')} PRIMARY KEY (${keyColumns.join(', ')})`,
  ];
  const statements = [`CREATE TABLE ${schema}.${table} (\n    ${lines.join(',\n    ')}\n);`, ...indexStatements(schema, model, dm, predicates, new Set())];
  for (const relation of model.fields.filter((f) => f.kind === 'object' && f.relationFromFields?.length)) {
    const target = dm.models.find((m) => m.name === relation.type)!;
    const columns = relation.relationFromFields!.map((f) => columnByField.get(f)!);
    const targetColumns = relation.relationToFields!.map((f) => columnOf(target.fields.find((tf) => tf.name === f)!));
    const onDelete = FK_ACTIONS[relation.relationOnDelete ?? (relation.isRequired ? 'Restrict' : 'SetNull')];
    const onUpdate = FK_ACTIONS[relation.relationOnUpdate ?? 'Cascade'];
    statements.push(`ALTER TABLE ${schema}.${table} ADD CONSTRAINT ${defaultConstraintName(table, columns, 'fkey')} FOREIGN KEY (${columns.join(', ')}) REFERENCES ${target.schema ?? schema}.${tableOf(target)} (${targetColumns.join(', ')}) ON DELETE ${onDelete} ON UPDATE ${onUpdate};`);
  }
  if (scalars.some((f) => columnOf(f) === 'updated_at')) {
    if (!existing.updatedAtFunction) throw new Error(`${schema}.update_updated_at_column() does not exist`);
    statements.push(`CREATE TRIGGER ${table}_updated_at BEFORE UPDATE ON ${schema}.${table} FOR EACH ROW EXECUTE FUNCTION ${schema}.update_updated_at_column();`);
  }
  if (table === 'outbox') {
    // The relay's wake-up call (packages/common/src/events/relay.ts): delivered at commit.
    statements.push(
      `CREATE FUNCTION ${schema}.notify_outbox() RETURNS trigger AS $$\nBEGIN\n    PERFORM pg_notify('${schema}_outbox', '');\n    RETURN NULL;\nEND;\n$$ LANGUAGE plpgsql;`,
      `CREATE TRIGGER outbox_notify AFTER INSERT ON ${schema}.outbox FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.notify_outbox();`,
    );
  }
  statements.push(
    `ALTER TABLE ${schema}.${table} ENABLE ROW LEVEL SECURITY;`,
    `ALTER TABLE ${schema}.${table} FORCE ROW LEVEL SECURITY;`,
    `CREATE POLICY tenant_isolation ON ${schema}.${table} USING ${TENANT_POLICY} WITH CHECK ${TENANT_POLICY};`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ${schema}.${table} TO ${APP_DB_ROLE};`,
  );
  return statements;
}

/** What every subgraph schema has before its tables: the app role's access and the updated_at function (seed spec section 9). */
function schemaPrelude(schema: string): string[] {
  return [
    `DO $$\nBEGIN\n    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_DB_ROLE}') THEN\n        CREATE ROLE ${APP_DB_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;\n    END IF;\nEND\n$$;`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${APP_DB_ROLE};`,
    `REVOKE ALL ON ${schema}._prisma_migrations FROM ${APP_DB_ROLE};`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT USAGE, SELECT ON SEQUENCES TO ${APP_DB_ROLE};`,
    `CREATE FUNCTION ${schema}.update_updated_at_column() RETURNS trigger AS $$\nBEGIN\n    NEW.updated_at = NOW();\n    RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;`,
  ];
}

/** The statements that bring a database holding `existing` to the schema, and what they cannot do. */
export function migrationFor(subgraph: SubgraphName, schemaText: string, existing: Existing): { statements: string[]; changes: string[] } {
  const dm = parsePrismaSchema(schemaText);
  const predicates = indexPredicates(schemaText);
  const statements: string[] = [];
  const changes: string[] = [];
  // A new subgraph's first migration: what every schema has before its tables.
  if (![...existing.columns.keys()].some((table) => table !== '_prisma_migrations')) {
    statements.push(...schemaPrelude(subgraph), '');
    changes.push(`schema ${subgraph} (grants to ${APP_DB_ROLE}, update_updated_at_column())`);
    existing = { ...existing, updatedAtFunction: true };
  }
  for (const model of dm.models) {
    const table = tableOf(model);
    const columns = existing.columns.get(table);
    if (!columns) {
      statements.push(...createTable(subgraph, model, dm, predicates, existing), '');
      changes.push(`table ${subgraph}.${table} (model ${model.name})`);
      continue;
    }
    for (const field of model.fields.filter((f) => f.kind !== 'object' && !columns.has(columnOf(f)))) {
      statements.push(`ALTER TABLE ${subgraph}.${table} ADD COLUMN ${columnDefinition(field)};`);
      changes.push(`column ${subgraph}.${table}.${columnOf(field)}`);
    }
    const indexes = indexStatements(subgraph, model, dm, predicates, existing.indexes);
    statements.push(...indexes);
    if (indexes.length) changes.push(`${indexes.length} index(es) on ${subgraph}.${table}`);
  }
  return { statements, changes };
}

/** Applies the subgraph's migrations to a scratch database and reads what they made. */
export async function migratedState(subgraph: SubgraphName): Promise<Existing> {
  const url = new URL(databaseUrlFor(subgraph));
  const scratch = `bacbos_migration_${process.pid}`;
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${scratch}`);
    try {
      url.pathname = `/${scratch}`;
      await migrate({ connectionString: url.toString(), schema: subgraph, migrationsDir: join(root, 'prisma', subgraph, 'migrations') });
      const db = new Client({ connectionString: url.toString() });
      await db.connect();
      try {
        const columns = await db.query<{ tbl: string; col: string }>(
          `SELECT c.relname AS tbl, a.attname AS col FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`, [subgraph]);
        const indexes = await db.query<{ name: string }>(`SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1`, [subgraph]);
        const fn = await db.query(`SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND p.proname = 'update_updated_at_column'`, [subgraph]);
        const byTable = new Map<string, Set<string>>();
        for (const { tbl, col } of columns.rows) byTable.set(tbl, (byTable.get(tbl) ?? new Set()).add(col));
        return { columns: byTable, indexes: new Set(indexes.rows.map((r) => r.name)), updatedAtFunction: fn.rowCount! > 0 };
      } finally {
        await db.end();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

/** A 14-digit UTC stamp, as the other migrations are named. */
const stamp = (now = new Date()) => now.toISOString().replace(/\D/g, '').slice(0, 14);

async function main(): Promise<void> {
  const [subgraph, name] = process.argv.slice(2);
  if (!SUBGRAPHS.includes(subgraph as SubgraphName) || !name || !NAME.test(name)) {
    throw new Error(`usage: npm run migration -- <${SUBGRAPHS.join('|')}> <what_it_changes, lower snake case>`);
  }
  const existing = await migratedState(subgraph as SubgraphName);
  const { statements, changes } = migrationFor(subgraph as SubgraphName, readSchema(subgraph), existing);
  if (!statements.length) {
    console.log(`migration: prisma/${subgraph}/schema has no new model, field or index; nothing written (a changed or dropped one is a hand-written migration)`);
    return;
  }
  const dir = join(root, 'prisma', subgraph, 'migrations', `${stamp()}_${name}`);
  mkdirSync(dir, { recursive: true });
  const header = [
    `-- Written by \`npm run migration -- ${subgraph} ${name}\` from prisma/${subgraph}/schema: ${changes.join('; ')}.`,
    '-- Each new table is its tenant\'s: row-level security enabled and forced, the tenant_isolation policy, the app role\'s grant.',
  ];
  writeFileSync(join(dir, 'migration.sql'), `${[...header, ...statements].join('\n').trimEnd()}\n`);
  console.log(`migration: wrote ${join(dir.slice(root.length + 1), 'migration.sql')} (${changes.join('; ')}); review it, then npm run migrate`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`migration failed: ${(error as Error).message}`);
    process.exit(1);
  });
}

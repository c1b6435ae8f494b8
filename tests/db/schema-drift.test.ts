// Schema drift: each subgraph's Prisma schema (prisma/<subgraph>/schema/*.prisma) must describe exactly
// the database its hand-written SQL migrations produce (the test database the jest globalSetup has
// just migrated). The Prisma side comes from Prisma's own schema parser (the DMMF of
// @prisma/prisma-schema-wasm, the same wasm build the prisma 7.10.1 CLI bundles), the database side
// from pg_catalog. Also checks the database rules of the seed spec (sections 8 and 9) and that no
// foreign key crosses subgraph schemas.
import { Client } from 'pg';
import { SUBGRAPHS, databaseUrlFor, type SubgraphName } from '@bacbos/common';
import { columnOf, defaultConstraintName, expectedColumnType, indexPredicates, parsePrismaSchema, readSchema, tableOf } from '../../scripts/prisma-schema';

const MIGRATIONS_TABLE = '_prisma_migrations';

// --- Prisma side: parsed by scripts/prisma-schema.ts (which `npm run migration` writes SQL from) ---

/** Compares predicates as Postgres deparses them, without casts, parentheses and case differences. */
const normalizePredicate = (predicate: string) =>
  predicate
    .replace(/::(?:character varying|double precision|timestamp(?:\(\d\))? with(?:out)? time zone|[a-z_]+)(?:\(\d+(?:,\d+)?\))?(?:\[\])?/gi, '')
    .replace(/[()]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

/** format_type() omits the precision when none was declared; Postgres then keeps microseconds (6). */
function normalizeDbType(type: string): string {
  return type
    .replace(/^timestamp (with|without) time zone/, 'timestamp(6) $1 time zone')
    .replace(/^time (with|without) time zone/, 'time(6) $1 time zone');
}

// --- Database side ---------------------------------------------------------------------------

interface DbColumn {
  tbl: string;
  col: string;
  type: string;
  nullable: boolean;
}

interface DbIndex {
  tbl: string;
  name: string;
  is_unique: boolean;
  is_primary: boolean;
  method: string;
  /** The WHERE clause of a partial index, as pg_get_expr prints it; null otherwise. */
  predicate: string | null;
  /** Key columns in order; null for an expression. */
  columns: (string | null)[];
  descending: boolean[];
}

interface DbForeignKey {
  name: string;
  schema: string;
  tbl: string;
  columns: string[];
  ref_schema: string;
  ref_tbl: string;
  ref_columns: string[];
  on_delete: string;
  on_update: string;
}

interface DbTrigger {
  tbl: string;
  name: string;
  fn_schema: string;
  fn_name: string;
  for_each_row: boolean;
  before: boolean;
  on_update: boolean;
  enabled: boolean;
}

interface DbCatalog {
  schema: string;
  tables: string[];
  columns: DbColumn[];
  indexes: DbIndex[];
  foreignKeys: DbForeignKey[];
  triggers: DbTrigger[];
}

const FOREIGN_KEYS_SQL = `
  SELECT co.conname AS name, n.nspname AS schema, cl.relname AS tbl, fn.nspname AS ref_schema, ft.relname AS ref_tbl,
         ARRAY(SELECT a.attname FROM unnest(co.conkey) WITH ORDINALITY AS k(num, ord)
               JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS columns,
         ARRAY(SELECT a.attname FROM unnest(co.confkey) WITH ORDINALITY AS k(num, ord)
               JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS ref_columns,
         co.confdeltype::text AS on_delete, co.confupdtype::text AS on_update
  FROM pg_constraint co
  JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
  JOIN pg_class ft ON ft.oid = co.confrelid JOIN pg_namespace fn ON fn.oid = ft.relnamespace
  WHERE co.contype = 'f' AND (n.nspname = ANY($1::text[]) OR fn.nspname = ANY($1::text[]))
  ORDER BY n.nspname, cl.relname, co.conname`;

async function loadCatalog(client: Client, schema: string): Promise<DbCatalog> {
  const tables = await client.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
    [schema],
  );
  const columns = await client.query<DbColumn>(
    `SELECT c.relname AS tbl, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`,
    [schema],
  );
  const indexes = await client.query<DbIndex>(
    `SELECT t.relname AS tbl, i.relname AS name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
            am.amname AS method, pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
            ARRAY(SELECT a.attname FROM generate_series(0, ix.indnkeyatts - 1) AS k(pos)
                  LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ix.indkey[k.pos] ORDER BY k.pos)::text[] AS columns,
            ARRAY(SELECT (ix.indoption[k.pos] & 1) = 1 FROM generate_series(0, ix.indnkeyatts - 1) AS k(pos) ORDER BY k.pos) AS descending
     FROM pg_index ix
     JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam
     WHERE n.nspname = $1 ORDER BY t.relname, i.relname`,
    [schema],
  );
  const foreignKeys = await client.query<DbForeignKey>(FOREIGN_KEYS_SQL, [[schema]]);
  const triggers = await client.query<DbTrigger>(
    `SELECT c.relname AS tbl, t.tgname AS name, pn.nspname AS fn_schema, p.proname AS fn_name,
            (t.tgtype & 1) <> 0 AS for_each_row, (t.tgtype & 2) <> 0 AS before, (t.tgtype & 16) <> 0 AS on_update,
            t.tgenabled <> 'D' AS enabled
     FROM pg_trigger t
     JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
     WHERE NOT t.tgisinternal AND n.nspname = $1 ORDER BY c.relname, t.tgname`,
    [schema],
  );
  return {
    schema,
    tables: tables.rows.map((r) => r.relname),
    columns: columns.rows,
    indexes: indexes.rows,
    foreignKeys: foreignKeys.rows.filter((fk) => fk.schema === schema),
    triggers: triggers.rows,
  };
}

// --- Comparison ------------------------------------------------------------------------------

const FK_ACTIONS: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

/**
 * Drift accepted until fixed (by editing the schema or adding a migration): exact problem lines,
 * by subgraph. Any other difference fails, and so does an entry that no longer occurs. Empty: none today.
 */
const KNOWN_DRIFT: Partial<Record<SubgraphName, string[]>> = {
  // Prisma can describe a tsvector only as Unsupported, which this comparison does not read: the
  // generated full-text column and its GIN index (prisma/search/migrations) are checked by
  // tests/search/engine.contract.test.ts instead.
  search: [
    'search.entries.document: column is not in the Prisma schema (model Entry)',
    'search.entries: index entries_document: columns are (tenant_id, document), Prisma expects (tenant_id, <document?>)',
  ],
};

/** Every difference between a Prisma schema and the migrated database schema, as readable lines. */
function compareSchema(subgraph: string, schemaText: string, db: DbCatalog): string[] {
  const problems: string[] = [];
  const dm = parsePrismaSchema(schemaText);
  const predicates = indexPredicates(schemaText);
  const where = (table: string, column?: string) => `${subgraph}.${table}${column ? `.${column}` : ''}`;
  const modelTables = new Set(dm.models.map(tableOf));

  for (const table of db.tables) {
    if (table !== MIGRATIONS_TABLE && !modelTables.has(table)) problems.push(`${where(table)}: table has no Prisma model`);
  }

  for (const model of dm.models) {
    const table = tableOf(model);
    if (model.schema !== subgraph) problems.push(`model ${model.name}: @@schema is ${model.schema ?? '(none)'}, expected "${subgraph}"`);
    if (!db.tables.includes(table)) {
      problems.push(`${where(table)}: table of model ${model.name} does not exist`);
      continue;
    }
    const dbColumns = db.columns.filter((c) => c.tbl === table);
    const scalars = model.fields.filter((f) => f.kind !== 'object');
    const columnByField = new Map(scalars.map((f) => [f.name, columnOf(f)]));

    // Columns: existence, type, nullability.
    for (const field of scalars) {
      const column = columnOf(field);
      const dbColumn = dbColumns.find((c) => c.col === column);
      if (!dbColumn) {
        problems.push(`${where(table, column)}: column of ${model.name}.${field.name} does not exist`);
        continue;
      }
      if (field.kind !== 'scalar') {
        problems.push(`${where(table, column)}: ${field.kind} field ${model.name}.${field.name} is not supported by this check`);
        continue;
      }
      const expected = expectedColumnType(field);
      const actual = normalizeDbType(dbColumn.type);
      if (actual !== expected) problems.push(`${where(table, column)}: type is ${dbColumn.type}, Prisma expects ${expected}`);
      // A Prisma list can't be optional, so a nullable array column is accepted for a list field.
      if (!field.isList && dbColumn.nullable === field.isRequired) {
        problems.push(`${where(table, column)}: column is ${dbColumn.nullable ? 'NULL' : 'NOT NULL'}, Prisma field is ${field.isRequired ? 'required' : 'optional'}`);
      }
    }
    const known = new Set(columnByField.values());
    for (const c of dbColumns) {
      if (!known.has(c.col)) problems.push(`${where(table, c.col)}: column is not in the Prisma schema (model ${model.name})`);
    }

    // Primary key, unique constraints and indexes: same name, kind, columns in order, sort order.
    const dbIndexes = db.indexes.filter((i) => i.tbl === table);
    const expectedNames = new Set<string>();
    for (const index of dm.indexes.filter((i) => i.model === model.name)) {
      const columns = index.fields.map((f) => columnByField.get(f.name) ?? `<${f.name}?>`);
      const desc = index.fields.map((f) => f.sortOrder === 'desc');
      const suffix = index.type === 'id' ? 'pkey' : index.type === 'unique' ? 'key' : 'idx';
      const name = index.dbName ?? defaultConstraintName(table, columns, suffix);
      expectedNames.add(name);
      const label = `${where(table)}: ${index.type === 'id' ? 'primary key' : index.type === 'unique' ? 'unique index' : 'index'} ${name}`;
      const dbIndex = dbIndexes.find((i) => i.name === name);
      if (!dbIndex) {
        const similar = dbIndexes.find((i) => JSON.stringify(i.columns) === JSON.stringify(columns));
        problems.push(`${label} (${columns.join(', ')}) does not exist${similar ? ` (the database has ${similar.name} on these columns)` : ''}`);
        continue;
      }
      if (JSON.stringify(dbIndex.columns) !== JSON.stringify(columns)) {
        problems.push(`${label}: columns are (${dbIndex.columns.map((c) => c ?? '<expression>').join(', ')}), Prisma expects (${columns.join(', ')})`);
      } else if (JSON.stringify(dbIndex.descending) !== JSON.stringify(desc)) {
        problems.push(`${label}: sort order is [${dbIndex.descending.map((d) => (d ? 'DESC' : 'ASC'))}], Prisma expects [${desc.map((d) => (d ? 'DESC' : 'ASC'))}]`);
      }
      if (dbIndex.is_primary !== (index.type === 'id')) problems.push(`${label}: primary key flag is ${dbIndex.is_primary}`);
      if (dbIndex.is_unique !== (index.type !== 'normal')) problems.push(`${label}: is ${dbIndex.is_unique ? '' : 'not '}unique in the database`);
      const method = (index.algorithm ?? 'BTree').toLowerCase();
      if (dbIndex.method !== method) problems.push(`${label}: method is ${dbIndex.method}, Prisma expects ${method}`);
      const predicate = predicates.get(name);
      if (predicate === undefined && dbIndex.predicate !== null) {
        problems.push(`${label}: is partial in the database (WHERE ${dbIndex.predicate}), Prisma has no where:`);
      } else if (predicate !== undefined && dbIndex.predicate === null) {
        problems.push(`${label}: Prisma has where: raw("${predicate}"), the database index is not partial`);
      } else if (predicate !== undefined && dbIndex.predicate !== null && normalizePredicate(predicate) !== normalizePredicate(dbIndex.predicate)) {
        problems.push(`${label}: predicate is WHERE ${dbIndex.predicate}, Prisma has where: raw("${predicate}")`);
      }
    }
    for (const i of dbIndexes) {
      if (!expectedNames.has(i.name)) problems.push(`${where(table)}: index ${i.name} (${i.columns.join(', ')}) is not in the Prisma schema`);
    }

    // Foreign keys of relation fields: columns, target, Prisma's default name and referential actions.
    const relations = model.fields.filter((f) => f.kind === 'object' && f.relationFromFields?.length);
    const dbForeignKeys = db.foreignKeys.filter((fk) => fk.tbl === table);
    const matched = new Set<string>();
    for (const relation of relations) {
      const columns = (relation.relationFromFields ?? []).map((f) => columnByField.get(f) ?? `<${f}?>`);
      const target = dm.models.find((m) => m.name === relation.type);
      const targetColumns = (relation.relationToFields ?? []).map((f) => {
        const field = target?.fields.find((tf) => tf.name === f);
        return field ? columnOf(field) : `<${f}?>`;
      });
      const fk = dbForeignKeys.find((k) => JSON.stringify(k.columns) === JSON.stringify(columns));
      const label = `${where(table)}: foreign key of ${model.name}.${relation.name} (${columns.join(', ')})`;
      if (!fk) {
        problems.push(`${label} does not exist`);
        continue;
      }
      matched.add(fk.name);
      const expectedTarget = `${target?.schema ?? subgraph}.${target ? tableOf(target) : relation.type}(${targetColumns.join(', ')})`;
      const actualTarget = `${fk.ref_schema}.${fk.ref_tbl}(${fk.ref_columns.join(', ')})`;
      if (actualTarget !== expectedTarget) problems.push(`${label}: references ${actualTarget}, Prisma expects ${expectedTarget}`);
      const expectedName = defaultConstraintName(table, columns, 'fkey');
      if (fk.name !== expectedName) problems.push(`${label}: is named ${fk.name}, Prisma expects ${expectedName}`);
      const onDelete = relation.relationOnDelete ?? (relation.isRequired ? 'Restrict' : 'SetNull');
      const onUpdate = relation.relationOnUpdate ?? 'Cascade';
      if (FK_ACTIONS[fk.on_delete] !== onDelete) problems.push(`${label}: ON DELETE ${FK_ACTIONS[fk.on_delete]}, Prisma expects ${onDelete}`);
      if (FK_ACTIONS[fk.on_update] !== onUpdate) problems.push(`${label}: ON UPDATE ${FK_ACTIONS[fk.on_update]}, Prisma expects ${onUpdate}`);
    }
    for (const fk of dbForeignKeys) {
      if (!matched.has(fk.name)) problems.push(`${where(table)}: foreign key ${fk.name} (${fk.columns.join(', ')}) has no Prisma relation`);
    }
  }
  return problems;
}

// --- Tests -----------------------------------------------------------------------------------

const catalogs = new Map<SubgraphName, DbCatalog>();
let allForeignKeys: DbForeignKey[] = [];
let updateFunctions: { schema: string; returns_trigger: boolean; sets_updated_at: boolean }[] = [];

beforeAll(async () => {
  const clients = new Map<string, Client>();
  try {
    for (const subgraph of SUBGRAPHS) {
      const url = databaseUrlFor(subgraph);
      let client = clients.get(url);
      if (!client) {
        client = new Client({ connectionString: url });
        clients.set(url, client);
        await client.connect();
      }
      catalogs.set(subgraph, await loadCatalog(client, subgraph));
      const fns = await client.query<{ schema: string; returns_trigger: boolean; sets_updated_at: boolean }>(
        `SELECT n.nspname AS schema, p.prorettype = 'trigger'::regtype AS returns_trigger,
                p.prosrc ~* 'NEW\\s*\\.\\s*updated_at\\s*:?=' AS sets_updated_at
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = $1 AND p.proname = 'update_updated_at_column' AND p.pronargs = 0`,
        [subgraph],
      );
      updateFunctions.push(...fns.rows);
    }
    // Every FK touching any subgraph schema, across all the databases in use.
    for (const client of clients.values()) {
      allForeignKeys.push(...(await client.query<DbForeignKey>(FOREIGN_KEYS_SQL, [[...SUBGRAPHS]])).rows);
    }
  } finally {
    await Promise.all([...clients.values()].map((c) => c.end()));
  }
});

afterAll(() => {
  allForeignKeys = [];
  updateFunctions = [];
});

const catalog = (subgraph: SubgraphName): DbCatalog => {
  const c = catalogs.get(subgraph);
  if (!c) throw new Error(`no catalog for ${subgraph}`);
  return c;
};

describe('Prisma schemas match the migrated database', () => {
  it.each(SUBGRAPHS.map((s) => [s]))('%s: tables, columns, types, nullability, indexes and foreign keys', (subgraph) => {
    const db = catalog(subgraph);
    expect(db.tables.length).toBeGreaterThan(1); // the schema was migrated at all
    const problems = compareSchema(subgraph, readSchema(subgraph), db);
    const known = KNOWN_DRIFT[subgraph] ?? [];
    expect({
      unexpectedDrift: problems.filter((p) => !known.includes(p)),
      fixedRemoveFromKnownDrift: known.filter((k) => !problems.includes(k)),
    }).toEqual({ unexpectedDrift: [], fixedRemoveFromKnownDrift: [] });
  });

  describe('the comparison reports deliberate drift in an altered schema text', () => {
    /** Applies one textual edit to a schema and returns the problems the edit adds to the comparison. */
    const driftOf = (pattern: RegExp, replacement: string, subgraph: SubgraphName = 'crm') => {
      const original = readSchema(subgraph);
      const altered = original.replace(pattern, replacement);
      expect(altered).not.toBe(original); // the edit applied
      const before = compareSchema(subgraph, original, catalog(subgraph));
      return compareSchema(subgraph, altered, catalog(subgraph)).filter((p) => !before.includes(p));
    };

    it('reports a required field made optional', () => {
      expect(driftOf(/(\n\s+email\s+)String(\s)/, '$1String?$2')).toEqual([
        'crm.contacts.email: column is NOT NULL, Prisma field is optional',
      ]);
    });

    it('reports a renamed index', () => {
      expect(driftOf(/map: "contacts_email_idx"/, 'map: "contacts_mail_idx"')).toEqual([
        'crm.contacts: index contacts_mail_idx (email) does not exist (the database has contacts_email_idx on these columns)',
        'crm.contacts: index contacts_email_idx (email) is not in the Prisma schema',
      ]);
    });

    it('reports index columns in another order', () => {
      const problems = driftOf(/\[tenantId, createdAt, id\]/, '[createdAt, tenantId, id]');
      expect(problems).toEqual([
        'crm.contacts: index contacts_tenant_id_created_at_id_idx: columns are (tenant_id, created_at, id), Prisma expects (created_at, tenant_id, id)',
      ]);
    });

    it('reports a different VarChar length, Timestamp vs Timestamptz and timestamp precision', () => {
      expect(driftOf(/(\n\s+firstName\s+String\s+@map\("first_name"\) @db\.VarChar\()100\)/, '$1120)')).toEqual([
        'crm.contacts.first_name: type is character varying(100), Prisma expects character varying(120)',
      ]);
      expect(driftOf(/(\n\s+createdAt\s+DateTime\s+@default\(now\(\)\) @map\("created_at"\) @db\.)Timestamp\(6\)/, '$1Timestamptz(6)')).toEqual([
        'crm.contacts.created_at: type is timestamp without time zone, Prisma expects timestamp(6) with time zone',
      ]);
      expect(driftOf(/(\n\s+createdAt\s+DateTime\s+@default\(now\(\)\) @map\("created_at"\) @db\.)Timestamp\(6\)/, '$1Timestamp(3)')).toEqual([
        'crm.contacts.created_at: type is timestamp without time zone, Prisma expects timestamp(3) without time zone',
      ]);
    });

    it('reports a column missing from the Prisma schema and a field missing from the database', () => {
      expect(driftOf(/\n\s+company\s+String\?\s+@db\.VarChar\(200\)/, '\n  companyName String? @map("company_name") @db.VarChar(200)')).toEqual([
        'crm.contacts.company_name: column of Contact.companyName does not exist',
        'crm.contacts.company: column is not in the Prisma schema (model Contact)',
      ]);
    });

    it('reports a partial-index predicate or referential action that differs', () => {
      expect(driftOf(/, where: raw\("clock_out IS NULL"\)/, ', where: raw("clock_in IS NULL")', 'hr')).toEqual([
        'hr.attendance_records: unique index attendance_records_employee_id_open_key: predicate is WHERE (clock_out IS NULL), Prisma has where: raw("clock_in IS NULL")',
      ]);
      expect(driftOf(/(contact\s+Contact\?\s+@relation\(fields: \[contactId\], references: \[id\], onDelete: )Cascade/, '$1Restrict')).toEqual([
        'crm.leads: foreign key of Lead.contact (contact_id): ON DELETE Cascade, Prisma expects Restrict',
      ]);
    });
  });
});

describe('seed spec section 8: indexing strategy', () => {
  /** Tables of all five schemas with at least one column named `column`. */
  const tablesWith = (column: string) =>
    SUBGRAPHS.flatMap((s) => catalog(s).columns.filter((c) => c.col === column).map((c) => ({ subgraph: s, table: c.tbl })));
  const indexesOf = (subgraph: SubgraphName, table: string) => catalog(subgraph).indexes.filter((i) => i.tbl === table);
  const hasLeadingIndex = (subgraph: SubgraphName, table: string, columns: string[], desc?: boolean[]) =>
    indexesOf(subgraph, table).some(
      (i) =>
        i.predicate === null &&
        columns.every((c, n) => i.columns[n] === c) &&
        (!desc || desc.every((d, n) => i.descending[n] === d)),
    );

  it('every table with tenant_id has an index led by tenant_id', () => {
    const tables = tablesWith('tenant_id');
    expect(tables.length).toBeGreaterThan(10);
    expect(tables.filter((t) => !hasLeadingIndex(t.subgraph, t.table, ['tenant_id'])).map((t) => `${t.subgraph}.${t.table}`)).toEqual([]);
  });

  it('every table with a status column has an index containing status', () => {
    const tables = tablesWith('status');
    expect(tables.length).toBeGreaterThan(5);
    const missing = tables.filter((t) => !indexesOf(t.subgraph, t.table).some((i) => i.predicate === null && i.columns.includes('status')));
    expect(missing.map((t) => `${t.subgraph}.${t.table}`)).toEqual([]);
  });

  it('crm indexes contacts.email, leads.owner_id, leads.stage and opportunities.stage', () => {
    const required: [string, string][] = [['contacts', 'email'], ['leads', 'owner_id'], ['leads', 'stage'], ['opportunities', 'stage']];
    expect(required.filter(([table, column]) => !hasLeadingIndex('crm', table, [column])).map((r) => r.join('.'))).toEqual([]);
  });

  it('platform.audit_logs has (tenant_id, timestamp DESC) and (resource_type, resource_id) indexes', () => {
    expect(hasLeadingIndex('platform', 'audit_logs', ['tenant_id', 'timestamp'], [false, true])).toBe(true);
    expect(hasLeadingIndex('platform', 'audit_logs', ['resource_type', 'resource_id'])).toBe(true);
  });
});

describe('seed spec section 9: updated_at triggers', () => {
  it('each schema has update_updated_at_column() returning trigger and setting NEW.updated_at', () => {
    for (const subgraph of SUBGRAPHS) {
      expect(updateFunctions.filter((f) => f.schema === subgraph)).toEqual([{ schema: subgraph, returns_trigger: true, sets_updated_at: true }]);
    }
  });

  it('every table with updated_at has an enabled BEFORE UPDATE FOR EACH ROW trigger calling <schema>.update_updated_at_column()', () => {
    const tables = SUBGRAPHS.flatMap((s) => catalog(s).columns.filter((c) => c.col === 'updated_at').map((c) => ({ subgraph: s, table: c.tbl })));
    expect(tables.length).toBeGreaterThan(10);
    const missing = tables.filter(
      ({ subgraph, table }) =>
        !catalog(subgraph).triggers.some(
          (t) => t.tbl === table && t.before && t.on_update && t.for_each_row && t.enabled && t.fn_schema === subgraph && t.fn_name === 'update_updated_at_column',
        ),
    );
    expect(missing.map((t) => `${t.subgraph}.${t.table}`)).toEqual([]);
  });
});

describe('schema isolation', () => {
  it('no foreign key crosses schemas', () => {
    expect(allForeignKeys.length).toBeGreaterThan(10);
    const crossing = allForeignKeys.filter((fk) => fk.schema !== fk.ref_schema);
    expect(crossing.map((fk) => `${fk.schema}.${fk.tbl}.${fk.name} -> ${fk.ref_schema}.${fk.ref_tbl}`)).toEqual([]);
  });
});

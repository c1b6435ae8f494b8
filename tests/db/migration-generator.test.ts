// `npm run migration` (scripts/migration.ts): the migration it writes from a module's Prisma schema
// file, applied to the migrated test database, makes the table the drift and RLS tests expect.
import { Client } from 'pg';
import { databaseUrlFor } from '@bacbos/common';
import { migratedState, migrationFor } from '../../scripts/migration';
import { readSchema } from '../../scripts/prisma-schema';

const TAG_MODEL = `
model Tag {
  id        String   @id @default(uuid()) @db.Uuid
  tenantId  String   @map("tenant_id") @db.Uuid
  name      String   @db.VarChar(50)
  contactId String?  @map("contact_id") @db.Uuid
  contact   Contact? @relation(fields: [contactId], references: [id], onDelete: Cascade)
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(6)
  updatedAt DateTime @default(now()) @updatedAt @map("updated_at") @db.Timestamptz(6)

  @@unique([tenantId, name], map: "tags_tenant_id_name_key")
  @@map("tags")
  @@schema("crm")
}
`;
// The relation's other side, as Prisma requires it.
const withTags = (schema: string) => schema.replace(/(\n\s+opportunities\s+Opportunity\[\]\n)/, '$1  tagList Tag[]\n') + TAG_MODEL;

let state: Awaited<ReturnType<typeof migratedState>>;
let db: Client;

beforeAll(async () => {
  state = await migratedState('crm');
  db = new Client({ connectionString: databaseUrlFor('crm') });
  await db.connect();
});
afterAll(() => db?.end());

it('writes nothing for a schema its migrations already make', () => {
  expect(migrationFor('crm', readSchema('crm'), state)).toEqual({ statements: [], changes: [] });
});

it("writes a new model's table with its key, indexes, foreign key, trigger and the tenant's row-level security", async () => {
  const { statements, changes } = migrationFor('crm', withTags(readSchema('crm')), state);
  expect(changes).toEqual(['table crm.tags (model Tag)']);
  await db.query('BEGIN');
  try {
    await db.query(statements.join('\n'));
    const table = await db.query(`SELECT relrowsecurity AS enabled, relforcerowsecurity AS forced FROM pg_class WHERE oid = 'crm.tags'::regclass`);
    expect(table.rows).toEqual([{ enabled: true, forced: true }]);
    const policies = await db.query(`SELECT policyname, qual, with_check FROM pg_policies WHERE schemaname = 'crm' AND tablename = 'tags'`);
    expect(policies.rows).toEqual([expect.objectContaining({ policyname: 'tenant_isolation', qual: expect.stringContaining("current_setting('app.tenant_id'") })]);
    const indexes = await db.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'crm' AND tablename = 'tags' ORDER BY 1`);
    expect(indexes.rows.map((r) => r.indexname)).toEqual(['tags_pkey', 'tags_tenant_id_name_key']);
    const fk = await db.query(`SELECT conname, confdeltype FROM pg_constraint WHERE conrelid = 'crm.tags'::regclass AND contype = 'f'`);
    expect(fk.rows).toEqual([{ conname: 'tags_contact_id_fkey', confdeltype: 'c' }]);
    const trigger = await db.query(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'crm.tags'::regclass AND NOT tgisinternal`);
    expect(trigger.rows).toEqual([{ tgname: 'tags_updated_at' }]);
    const grant = await db.query(`SELECT has_table_privilege('bacbos_app', 'crm.tags', 'INSERT') AS granted`);
    expect(grant.rows).toEqual([{ granted: true }]);
  } finally {
    await db.query('ROLLBACK');
  }
});

it('adds a new field of an existing model as a column, and refuses a table without tenant_id', () => {
  const withNickname = readSchema('crm').replace(/(\n\s+phone\s+String\?\s+@db\.VarChar\(50\)\n)/, '$1  nickname String? @db.VarChar(40)\n');
  expect(migrationFor('crm', withNickname, state)).toEqual({
    statements: ['ALTER TABLE crm.contacts ADD COLUMN nickname character varying(40);'],
    changes: ['column crm.contacts.nickname'],
  });
  const untenanted = readSchema('crm') + '\nmodel Setting {\n  id String @id @db.Uuid\n  @@map("settings")\n  @@schema("crm")\n}\n';
  expect(() => migrationFor('crm', untenanted, state)).toThrow('model Setting: every table is a tenant\'s (row-level security on tenant_id)');
});

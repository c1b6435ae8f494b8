// Row-level security, the second wall: every tenant table enforces it, the application role
// cannot bypass it, a query that forgot its tenant filter sees nothing, and a pooled connection
// never carries one tenant's setting into another's work.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { APP_DB_ROLE, SUBGRAPH_MANIFEST, TenantQuery, TenantScopedPool, appDatabaseUrlFor, withTenant } from '@bacbos/common';
import { createCrmDb } from '@bacbos/crm';

const SCHEMAS = SUBGRAPH_MANIFEST.map((s) => s.schema);
const tenantA = randomUUID();
const tenantB = randomUUID();
let owner: Client;

beforeAll(async () => {
  owner = new Client({ connectionString: process.env.DATABASE_URL });
  await owner.connect();
  for (const [tenant, n] of [[tenantA, 3], [tenantB, 2]] as const) {
    for (let i = 0; i < n; i += 1) {
      await owner.query('INSERT INTO crm.contacts (id, tenant_id, first_name, last_name, email) VALUES ($1, $2, $3, $4, $5)', [randomUUID(), tenant, 'R', `L${i}`, `${i}@${tenant}.example`]);
    }
  }
});
afterAll(() => owner.end());

it('every table of every subgraph schema has row-level security enabled and forced, with a policy', async () => {
  const { rows } = await owner.query(
    `SELECT n.nspname AS schema, c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
            (SELECT count(*)::int FROM pg_policies p WHERE p.schemaname = n.nspname AND p.tablename = c.relname) AS policies
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = ANY($1) AND c.relname <> '_prisma_migrations'
      ORDER BY 1, 2`,
    [SCHEMAS],
  );
  expect(rows.length).toBeGreaterThanOrEqual(60);
  const unprotected = rows.filter((r) => !r.enabled || !r.forced || r.policies < 1).map((r) => `${r.schema}.${r.table}`);
  expect(unprotected).toEqual([]);
});

it('the application role is neither superuser nor BYPASSRLS, and cannot read the migrations table', async () => {
  const { rows } = await owner.query('SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = $1', [APP_DB_ROLE]);
  expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, rolcanlogin: true });
  const app = new Client({ connectionString: appDatabaseUrlFor('crm') });
  await app.connect();
  try {
    expect((await app.query('SELECT current_user AS u')).rows[0].u).toBe(APP_DB_ROLE);
    await expect(app.query('SELECT * FROM crm._prisma_migrations')).rejects.toThrow(/permission denied/);
  } finally {
    await app.end();
  }
});

it('a query that forgot its tenant filter returns only the current tenant\'s rows, or none without a tenant', async () => {
  const app = new Client({ connectionString: appDatabaseUrlFor('crm') });
  await app.connect();
  try {
    const count = async () => (await app.query('SELECT count(*)::int AS n FROM crm.contacts')).rows[0].n; // no WHERE on purpose
    expect(await count()).toBe(0); // no tenant set
    await app.query("SELECT set_config('app.tenant_id', $1, false)", [tenantA]);
    expect(await count()).toBe(3);
    await app.query("SELECT set_config('app.tenant_id', $1, false)", [tenantB]);
    expect(await count()).toBe(2);
    // Writing a row of another tenant is refused by the policy's WITH CHECK.
    await expect(app.query('INSERT INTO crm.contacts (id, tenant_id, first_name, last_name, email) VALUES ($1, $2, $3, $4, $5)', [randomUUID(), tenantA, 'x', 'y', 'z@x.example'])).rejects.toThrow(/row-level security/);
    // Updating or deleting another tenant's rows touches nothing.
    expect((await app.query('UPDATE crm.contacts SET title = $1 WHERE tenant_id = $2', ['pwned', tenantA])).rowCount).toBe(0);
    expect((await app.query('DELETE FROM crm.contacts WHERE tenant_id = $1', [tenantA])).rowCount).toBe(0);
  } finally {
    await app.end();
  }
});

it('a pool of one connection alternating tenants never leaks a setting', async () => {
  const pool = new TenantScopedPool({ connectionString: appDatabaseUrlFor('crm'), max: 1 });
  try {
    const seen = (tenant: string | null) => withTenant(tenant, async () => (await pool.query('SELECT DISTINCT tenant_id FROM crm.contacts')).rows.map((r) => r.tenant_id));
    // Interleaved and concurrent: each waits for the single connection the previous one used.
    const results = await Promise.all([tenantA, tenantB, null, tenantA, null, tenantB, tenantB, tenantA].map(seen));
    expect(results).toEqual([[tenantA], [tenantB], [], [tenantA], [], [tenantB], [tenantB], [tenantA]]);
  } finally {
    await pool.end();
  }
});

it('the Prisma client of a subgraph keeps concurrent requests of two tenants apart on one connection', async () => {
  process.env.DB_POOL_SIZE = '1';
  const db = createCrmDb();
  try {
    const emails = (tenant: string) => withTenant(tenant, () => db.contact.findMany({ select: { tenantId: true } })); // unscoped on purpose
    const [a1, b1, a2, b2] = await Promise.all([emails(tenantA), emails(tenantB), emails(tenantA), emails(tenantB)]);
    expect(a1.map((r) => r.tenantId)).toEqual([tenantA, tenantA, tenantA]);
    expect(b1.map((r) => r.tenantId)).toEqual([tenantB, tenantB]);
    expect(a2).toEqual(a1);
    expect(b2).toEqual(b1);
    expect(await withTenant(null, () => db.contact.count())).toBe(0);
  } finally {
    delete process.env.DB_POOL_SIZE;
    await db.$disconnect();
  }
});

it('a checkout that switches tenant sends the setting in the same round trip as its statement, and a failed statement does not leave the pool believing it', async () => {
  const sent: unknown[] = [];
  const originalQuery = Client.prototype.query;
  const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
    sent.push(args[0]);
    return (originalQuery as (...a: unknown[]) => unknown).apply(this, args) as never;
  });
  const pool = new TenantScopedPool({ connectionString: appDatabaseUrlFor('crm'), max: 1 });
  try {
    const seen = (tenant: string | null) => withTenant(tenant, async () => (await pool.query('SELECT DISTINCT tenant_id FROM crm.contacts')).rows.map((r) => r.tenant_id));
    expect(await seen(tenantA)).toEqual([tenantA]);
    expect(await seen(tenantB)).toEqual([tenantB]);
    // Every switch went out with its statement: no set_config of its own.
    expect(sent.filter((q) => typeof q === 'string' && q.includes('set_config'))).toEqual([]);
    expect(sent.filter((q) => q instanceof TenantQuery)).toHaveLength(2);
    // B's statement fails after its set_config: PostgreSQL rolls both back, the connection holds B
    // no more (it holds A's again), and B's next statement must set it again.
    await expect(withTenant(tenantA, () => pool.query('SELECT 1'))).resolves.toBeDefined();
    await expect(withTenant(tenantB, () => pool.query('SELECT 1 / 0 FROM crm.contacts'))).rejects.toThrow(/division by zero/);
    expect(await seen(tenantB)).toEqual([tenantB]);
    expect(await seen(null)).toEqual([]);
    expect(await seen(tenantA)).toEqual([tenantA]);
  } finally {
    spy.mockRestore();
    await pool.end();
  }
});

it('a rolled-back Prisma transaction does not undo the tenant of its connection behind the pool', async () => {
  process.env.DB_POOL_SIZE = '1';
  const db = createCrmDb();
  try {
    const tenants = (tenant: string) => withTenant(tenant, async () => [...new Set((await db.contact.findMany({ select: { tenantId: true } })).map((r) => r.tenantId))]);
    expect(await tenants(tenantA)).toEqual([tenantA]);
    // B's transaction starts on the connection that holds A, reads, then fails and rolls back.
    await expect(withTenant(tenantB, () => db.$transaction(async (tx) => {
      expect(new Set((await tx.contact.findMany({ select: { tenantId: true } })).map((r) => r.tenantId))).toEqual(new Set([tenantB]));
      throw new Error('rolled back on purpose');
    }))).rejects.toThrow('rolled back on purpose');
    expect(await tenants(tenantB)).toEqual([tenantB]);
    expect(await tenants(tenantA)).toEqual([tenantA]);
    await expect(withTenant(tenantA, () => db.contact.findMany({ where: { email: { contains: '\u0000' } } }))).rejects.toThrow();
    expect(await tenants(tenantB)).toEqual([tenantB]);
  } finally {
    delete process.env.DB_POOL_SIZE;
    await db.$disconnect();
  }
});

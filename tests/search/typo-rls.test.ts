// The PostgreSQL engine's typo path (search.typo_matches) under row-level security, on a search
// schema owned the way production owns it: by a role that is neither superuser nor BYPASSRLS, so
// the forced tenant policy applies to the owner too. The suite's own database is owned by the
// superuser, where the index was always usable; here a scratch database is migrated by such an
// owner. A misspelt name must be found for tenant A, never with tenant B's words, and through the
// GIN trigram index (auto_explain prints the function's plan to this session as a notice).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client, type Notification } from 'pg';
import { APP_DB_ROLE, appDatabaseUrlFor, migrate, withTenant } from '@bacbos/common';
import { createSearchPools, PostgresEngine, TYPO_SIMILARITY, type SearchDocument } from '@bacbos/search';

const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const OWNER = `bacbos_typo_owner_${suffix}`;
const OWNER_PASSWORD = randomUUID();
const DATABASE = `bacbos_typo_${suffix}`;
const tenantA = randomUUID();
const tenantB = randomUUID();
/** Each tenant's Zéphyrine. */
const ID_A = randomUUID();
const ID_B = randomUUID();
/** Objects per tenant, of A, B and OTHER_TENANTS more, as the benchmark has them: the planner costs the index against that. */
const ROWS = 2_000;
const OTHER_TENANTS = 18;

const urlFor = (database: string, user?: { name: string; password: string }, base = process.env.DATABASE_URL as string) => {
  const url = new URL(base);
  url.pathname = `/${database}`;
  if (user) {
    url.username = user.name;
    url.password = user.password;
  }
  return url.toString();
};

let admin: Client; // superuser, on the suite's database: creates and drops the scratch ones
let session: Client; // superuser on the scratch database, acting as bacbos_app after SET ROLE
let engine: PostgresEngine; // the engine as the subgraph runs it: reads as bacbos_app, writes as the owner

beforeAll(async () => {
  admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE ROLE ${OWNER} LOGIN PASSWORD '${OWNER_PASSWORD}' NOSUPERUSER NOBYPASSRLS CREATEROLE`);
  await admin.query(`CREATE DATABASE ${DATABASE} OWNER ${OWNER}`);
  const ownerUrl = urlFor(DATABASE, { name: OWNER, password: OWNER_PASSWORD });
  await migrate({ connectionString: ownerUrl, schema: 'search', migrationsDir: join(__dirname, '..', '..', 'prisma', 'search', 'migrations') });

  engine = new PostgresEngine(createSearchPools({ read: urlFor(DATABASE, undefined, appDatabaseUrlFor('search')), write: ownerUrl }));
  const doc = (tenantId: string, id: string, title: string): SearchDocument => ({
    tenantId, type: 'CONTACT', id, title, subtitle: '', body: '', readers: null, position: 1n, updatedAt: new Date().toISOString(),
  });
  for (const [tenant, id, surname] of [[tenantA, ID_A, 'Dupont'], [tenantB, ID_B, 'Martin']] as const) {
    const filler = Array.from({ length: ROWS }, (_, n) => doc(tenant, randomUUID(), `Person ${n} ${randomUUID().slice(0, 8)}`));
    await engine.index([...filler, doc(tenant, id, `Zéphyrine ${surname}`)]);
  }
  // The other tenants' objects in one statement, as the superuser (no policy): only their volume matters.
  const filler = new Client({ connectionString: urlFor(DATABASE) });
  await filler.connect();
  try {
    await filler.query(
      `INSERT INTO search.entries (tenant_id, type, id, title, subtitle, position, changed_at)
       SELECT t, 'CONTACT', gen_random_uuid(), 'Person ' || n || ' ' || md5(n::text || t::text), '', 1, now()
         FROM (SELECT gen_random_uuid() AS t FROM generate_series(1, $1::int)) tenants CROSS JOIN generate_series(1, $2::int) n`,
      [OTHER_TENANTS, ROWS]);
  } finally {
    await filler.end();
  }

  const owner = new Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    // The owner is still subject to the forced policy: the migration left it no membership of the typo role.
    await owner.query(`SELECT set_config('app.tenant_id', $1, false)`, [tenantA]);
    expect((await owner.query('SELECT count(*)::int AS n FROM search.entries')).rows[0].n).toBe(ROWS + 1);
    expect((await owner.query(`SELECT pg_has_role(current_user, 'bacbos_search_typos', 'MEMBER') AS member`)).rows[0].member).toBe(false);
    await owner.query('RESET app.tenant_id');
    await owner.query('ANALYZE search.entries');
  } finally {
    await owner.end();
  }

  session = new Client({ connectionString: urlFor(DATABASE) });
  await session.connect();
  // auto_explain prints each statement's plan, the function's too, to this client as a notice.
  await session.query(`LOAD 'auto_explain'`);
  await session.query('SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = notice');
  await session.query(`SET pg_trgm.word_similarity_threshold = ${TYPO_SIMILARITY}`);
  await session.query(`SET ROLE ${APP_DB_ROLE}`);
}, 120_000);

afterAll(async () => {
  await session?.end();
  await engine?.close();
  if (admin) {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${OWNER}`);
    await admin.end();
  }
});

/** The typo matches of `words` for the tenant on the connection (none set: null), with the plans the statement ran. */
async function typoMatches(tenant: string | null, words: string): Promise<{ ids: string[]; plans: string }> {
  await session.query(`SELECT set_config('app.tenant_id', $1, false)`, [tenant ?? '']);
  const notices: string[] = [];
  const listen = (n: Notification | { message?: string }) => notices.push(String((n as { message?: string }).message ?? ''));
  session.on('notice', listen);
  try {
    const { rows } = await session.query<{ id: string }>(`SELECT t.id FROM search.typo_matches(search.fold($1), ARRAY['CONTACT']) t`, [words]);
    return { ids: rows.map((r) => r.id), plans: notices.join('\n') };
  } finally {
    session.off('notice', listen);
  }
}

it('the schema is owned by a role the forced policy applies to; bacbos_app is no member of the typo role', async () => {
  const { rows } = await admin.query(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1`, [OWNER]);
  expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
  const typoRole = await admin.query(`SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = 'bacbos_search_typos'`);
  expect(typoRole.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, rolcanlogin: false });
  expect((await admin.query(`SELECT pg_has_role($1, 'bacbos_search_typos', 'MEMBER') AS member`, [APP_DB_ROLE])).rows[0].member).toBe(false);
  // Nor can it read another tenant's rows directly.
  await session.query(`SELECT set_config('app.tenant_id', $1, false)`, [tenantA]);
  expect((await session.query('SELECT count(*)::int AS n FROM search.entries WHERE tenant_id = $1', [tenantB])).rows[0].n).toBe(0);
});

const searchAs = async (tenantId: string, text: string) => (await withTenant(tenantId, () => engine.search({
  text, types: ['CONTACT'], first: 10, visibility: { tenantId, userId: null, types: ['CONTACT'], unrestricted: [] },
}))).hits.map((h) => h.id);

it('the engine finds a misspelt name for tenant A, never tenant B\'s', async () => {
  expect(await searchAs(tenantA, 'Zefirine')).toEqual([ID_A]);
  expect(await searchAs(tenantB, 'Zefirine')).toEqual([ID_B]);
  expect(await searchAs(tenantA, 'Zefirine Martin')).not.toContain(ID_B);
  expect(await searchAs(tenantB, 'Zefirine Dupon')).not.toContain(ID_A);
});

it('search.typo_matches answers through the trigram index with the connection\'s tenant only', async () => {
  const a = await typoMatches(tenantA, 'Zefirine');
  expect(a.ids).toEqual([ID_A]);
  // The typo test itself is the index condition (as `%>`, `<%` commuted), not a filter over the
  // tenant's rows: under the forced policy, as the owner, it could only be the latter.
  expect(a.plans).toMatch(/Bitmap Index Scan on entries_words[^\n]*\n\s+Index Cond: \(\(tenant_id = .*\) AND \(words %> 'zefirine'::text\)\)/);
  expect((await typoMatches(tenantA, 'Zefirine Dupon')).ids).toEqual([ID_A]);

  // B's misspelt name from A's side finds A's Zéphyrine at most (a weaker match), never B's row.
  const fromA = await typoMatches(tenantA, 'Zefirine Martin');
  expect(fromA.ids).not.toContain(ID_B);
  expect((await typoMatches(tenantB, 'Zefirine Martin')).ids).toEqual([ID_B]);
  expect((await typoMatches(tenantB, 'Zefirine Dupon')).ids).not.toContain(ID_A);
  // No tenant on the connection: nothing.
  expect((await typoMatches(null, 'Zefirine Dupon')).ids).toEqual([]);
});

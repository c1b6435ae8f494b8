// Benchmark (run on demand): what row-level security costs per query. The same tenant-scoped
// query (a page of 20 contacts by created_at, from 50 tenants x 1,000 contacts) runs
//   a) as the owner (superuser: RLS bypassed), with the explicit tenant filter;
//   b) as bacbos_app through TenantScopedPool with RLS enforced, same tenant each time;
//   c) as (b) but alternating tenants, so every checkout also sends set_config (in the same round
//      trip as the query: packages/common/src/tenant-query.ts);
//   d) as (c) with set_config sent on its own round trip first (what the pool did before).
// Each prints wall-clock and this process's CPU per query (the client's side: pg and the pool).
// Usage: eval "$(bash scripts/services.sh env)"; npm run bench:rls
import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { TenantScopedPool, withTenant } from '@bacbos/common';
import { migrateAll } from '../scripts/platform';

process.env.APP_DB_PASSWORD ??= 'bacbos-test-app-role';
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5_000);
const QUERY = 'SELECT id, first_name, last_name, email FROM crm.contacts WHERE tenant_id = $1 ORDER BY created_at, id LIMIT 20';

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL (eval "$(bash scripts/services.sh env)")');
  const server = new URL(process.env.DATABASE_URL);
  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS bacbos_bench_rls WITH (FORCE)');
  await admin.query('CREATE DATABASE bacbos_bench_rls');
  await admin.end();
  server.pathname = '/bacbos_bench_rls';
  process.env.DATABASE_URL = server.toString();
  await migrateAll();

  const owner = new Pool({ connectionString: server.toString(), max: 1 });
  const tenants = [...Array(50).keys()].map(() => randomUUID());
  for (const tenant of tenants) {
    await owner.query(
      `INSERT INTO crm.contacts (id, tenant_id, first_name, last_name, email, created_at)
       SELECT gen_random_uuid(), $1::uuid, 'F', 'L' || g, g || '@' || $1::text || '.example', now() - (g || ' seconds')::interval FROM generate_series(1, 1000) g`,
      [tenant],
    );
  }
  await owner.query('ANALYZE crm.contacts');
  const appUrl = new URL(server.toString());
  appUrl.username = 'bacbos_app';
  appUrl.password = process.env.APP_DB_PASSWORD!;
  const app = new TenantScopedPool({ connectionString: appUrl.toString(), max: 1 });

  async function time(label: string, run: (i: number) => Promise<unknown>): Promise<number> {
    for (let i = 0; i < 200; i += 1) await run(i); // warm-up
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    for (let i = 0; i < ITERATIONS; i += 1) await run(i);
    const perQueryUs = Number(process.hrtime.bigint() - started) / 1000 / ITERATIONS;
    const used = process.cpuUsage(cpu);
    console.log(`${label.padEnd(64)} ${perQueryUs.toFixed(1)} µs/query, ${((used.user + used.system) / ITERATIONS).toFixed(1)} µs CPU/query`);
    return perQueryUs;
  }

  const tenant = tenants[0];
  const base = await time('owner, RLS bypassed (explicit tenant filter)', () => owner.query(QUERY, [tenant]));
  const same = await time('bacbos_app, RLS enforced, same tenant', () => withTenant(tenant, () => app.query(QUERY, [tenant])));
  const alternating = await time('bacbos_app, RLS enforced, tenant changes every query', (i) => {
    const t = tenants[i % tenants.length];
    return withTenant(t, () => app.query(QUERY, [t]));
  });
  const separate = new Pool({ connectionString: appUrl.toString(), max: 1 });
  const apart = await time('bacbos_app, tenant changes every query, set_config on its own', async (i) => {
    const t = tenants[i % tenants.length];
    const client = await separate.connect();
    try {
      await client.query("SELECT set_config('app.tenant_id', $1, false)", [t]);
      return await client.query(QUERY, [t]);
    } finally {
      client.release();
    }
  });
  console.log(`RLS cost: x${(same / base).toFixed(2)} per query (same tenant), x${(alternating / base).toFixed(2)} when every checkout switches tenant (x${(apart / base).toFixed(2)} with set_config on its own round trip)`);
  await separate.end();
  await owner.end();
  await app.end();
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});

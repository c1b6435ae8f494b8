// DataLoader batching across the federated graph: listing contacts with their leads, the leads'
// owners (resolved by the platform subgraph) and opportunities costs a constant number of SQL
// statements, whatever the number of contacts.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { totalSqlStatements } from '@bacbos/common';
import { contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

/** n contacts, each with two leads (owned by the owner or by a second user) and an opportunity. */
async function seed(tenant: TestTenant, n: number): Promise<void> {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    const second = await db.query(
      `INSERT INTO platform.users (tenant_id, email, first_name) VALUES ($1, $2, 'Second') RETURNING id`,
      [tenant.tenantId, `second-${randomUUID()}@example.com`],
    );
    const owners = [tenant.userId, second.rows[0].id as string];
    for (let i = 0; i < n; i += 1) {
      const contactId = randomUUID();
      await db.query(
        `INSERT INTO crm.contacts (id, tenant_id, first_name, last_name, email, created_at) VALUES ($1, $2, 'C', $3, $4, now() + ($5 || ' milliseconds')::interval)`,
        [contactId, tenant.tenantId, `Contact ${i}`, `c${i}-${randomUUID()}@example.com`, String(i)],
      );
      for (const owner of owners) {
        await db.query(`INSERT INTO crm.leads (id, tenant_id, contact_id, title, owner_id) VALUES ($1, $2, $3, 'Lead', $4)`, [randomUUID(), tenant.tenantId, contactId, owner]);
      }
      await db.query(`INSERT INTO crm.opportunities (id, tenant_id, contact_id, name, amount) VALUES ($1, $2, $3, 'Opp', 10)`, [randomUUID(), tenant.tenantId, contactId]);
    }
  } finally {
    await db.end();
  }
}

/**
 * Waits until no statement has run for half a second: the sign-ups' events are still being
 * consumed in the background (the user directories of crm, hr and office), and their statements
 * would be counted as the request's.
 */
async function quiet(): Promise<void> {
  for (let last = -1, deadline = Date.now() + 20_000; Date.now() < deadline;) {
    const now = totalSqlStatements();
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('background SQL never settled');
}

async function statementsFor(tenant: TestTenant, first: number): Promise<{ statements: number; contacts: number; owners: number }> {
  // The tenant's first authenticated request also looks up its session and tenant state (then
  // cached in the shared store for every gateway): made here, so only the listing is counted.
  expect((await gql(url, '{ me { id } }', {}, tenant.headers)).errors).toBeUndefined();
  await quiet();
  const before = totalSqlStatements();
  const res = await gql(url, op('crm', 'Contacts'), { first }, tenant.headers);
  const statements = totalSqlStatements() - before;
  expect(res.errors).toBeUndefined();
  const edges = res.data!.contacts.edges;
  const owners = edges.flatMap((e: any) => e.node.leads.map((l: any) => l.owner?.email)).filter(Boolean).length;
  return { statements, contacts: edges.length, owners };
}

it('resolves 100 contacts with leads, owners and opportunities in a constant number of SQL statements', async () => {
  const small = await signUpTenant(url, 'Small');
  const large = await signUpTenant(url, 'Large');
  await seed(small, 10);
  await seed(large, 100);

  const ten = await statementsFor(small, 100);
  const hundred = await statementsFor(large, 100);
  expect(ten).toMatchObject({ contacts: 10, owners: 20 });
  expect(hundred).toMatchObject({ contacts: 100, owners: 200 });
  // contacts page + count, leads batch, opportunities batch, owners batch (one _entities call).
  expect(hundred.statements).toBe(ten.statements);
  expect(hundred.statements).toBeLessThanOrEqual(5);
  console.log(`SQL statements for 10 contacts: ${ten.statements}, for 100 contacts: ${hundred.statements}`);
});

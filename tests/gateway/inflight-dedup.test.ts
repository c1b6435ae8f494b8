// Safe in-flight dedup (GATEWAY_INFLIGHT_DEDUP=true): identical queries of the same caller, at the
// same instant, share one subgraph call; two tenants (or two users of one tenant) sending the same
// query at the same instant each get their own data.
import { totalSqlStatements } from '@bacbos/common';
import { addTenantUser, contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
const previous = process.env.GATEWAY_INFLIGHT_DEDUP;

beforeAll(async () => {
  process.env.GATEWAY_INFLIGHT_DEDUP = 'true';
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(async () => {
  await platform.stop();
  if (previous === undefined) delete process.env.GATEWAY_INFLIGHT_DEDUP;
  else process.env.GATEWAY_INFLIGHT_DEDUP = previous;
});

async function tenantWithContacts(label: string, count: number): Promise<TestTenant> {
  const tenant = await signUpTenant(url, label);
  for (let i = 0; i < count; i += 1) {
    const res = await gql(url, op('crm', 'CreateContact'), { input: { firstName: label, lastName: `N${i}`, email: `${label.toLowerCase()}-${i}@${tenant.slug}.example` } }, tenant.headers);
    expect(res.errors).toBeUndefined();
  }
  return tenant;
}

test('two tenants sending the same query at the same instant each get their own contacts', async () => {
  const [a, b] = await Promise.all([tenantWithContacts('Alpha', 3), tenantWithContacts('Beta', 5)]);
  const contacts = op('crm', 'Contacts');
  const answers = await Promise.all([...Array(20).keys()].map((i) => gql(url, contacts, { first: 20 }, (i % 2 ? b : a).headers)));
  answers.forEach((res, i) => {
    const own = i % 2 ? { tenant: b, count: 5 } : { tenant: a, count: 3 };
    expect(res.errors).toBeUndefined();
    expect(res.data?.contacts.totalCount).toBe(own.count);
    const emails = (res.data?.contacts.edges as { node: { email: string } }[]).map((e) => e.node.email);
    expect(emails).toHaveLength(own.count);
    for (const email of emails) expect(email.endsWith(`@${own.tenant.slug}.example`)).toBe(true);
  });
});

test('two users of one tenant asking for `me` at the same instant each get themselves', async () => {
  const tenant = await signUpTenant(url, 'Gamma');
  const viewer = await addTenantUser(url, tenant, 'viewer', 'Vera');
  const me = op('identity', 'Me');
  const answers = await Promise.all([...Array(10).keys()].map((i) => gql(url, me, {}, i % 2 ? viewer.headers : tenant.headers)));
  answers.forEach((res, i) => {
    expect(res.errors).toBeUndefined();
    expect(res.data?.me.email).toBe(i % 2 ? viewer.email : tenant.email);
    expect((res.data?.me.roles as { name: string }[]).map((r) => r.name)).toEqual(i % 2 ? ['viewer'] : ['owner']);
  });
});

test('identical queries of one caller at the same instant share the subgraph call', async () => {
  const tenant = await tenantWithContacts('Delta', 2);
  const contacts = op('crm', 'Contacts');
  await gql(url, contacts, { first: 20 }, tenant.headers); // warm: plan cached, pools connected
  let before = totalSqlStatements();
  expect((await gql(url, contacts, { first: 20 }, tenant.headers)).errors).toBeUndefined();
  const one = totalSqlStatements() - before;
  before = totalSqlStatements();
  const answers = await Promise.all([...Array(10).keys()].map(() => gql(url, contacts, { first: 20 }, tenant.headers)));
  const ten = totalSqlStatements() - before;
  for (const res of answers) expect(res.data?.contacts.totalCount).toBe(2);
  console.log(`in-flight dedup: 1 query ${one} SQL statements, 10 identical concurrent queries ${ten}`);
  expect(ten).toBeLessThan(one * 5);
});

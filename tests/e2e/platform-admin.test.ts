// The platform's administration operations (shared/contract/operations/platform.graphql): users,
// roles, billing and database instances, end to end through the gateway against real PostgreSQL,
// with assertions on data, on every error code the contract names, on the outbox events written
// in the same transaction, and on isolation between two tenants.
import { Client } from 'pg';
import { totalSqlStatements } from '@bacbos/common';
import { bearer, codeOf, contractOperation as op, gql, signUpTenant, type GraphQLResponse, type TestTenant } from '../helpers/graphql';
import { outboxProbe } from '../helpers/outbox';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
// The pure rules (pricing, the state machine, the catalog) are tested beside their code in subgraphs/platform/src.
import { DatabaseProvisioner, addMonths, connectionStringOf, createPlatformDb, type PlatformDb } from '@bacbos/platform';

let platform: RunningPlatform;
let url: string;
let db: Client;
let platformDb: PlatformDb;
let acme: TestTenant;
const { outboxCount } = outboxProbe('platform', () => db);

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  platformDb = createPlatformDb();
  acme = await signUpTenant(url, 'Acme');
  // Room for the users the tests below invite (starter allows 5).
  expect((await changePlan({ planId: 'enterprise' }, acme)).errors).toBeUndefined();
});
afterAll(async () => {
  await platformDb.$disconnect();
  await db.end();
  await platform.stop();
});

const PASSWORD = 'a perfectly long password';
const NO_ID = '00000000-0000-4000-8000-000000000000';

const invite = (input: Record<string, unknown>, tenant: { headers: Record<string, string> } = acme) => gql(url, op('platform', 'InviteUser'), { input }, tenant.headers);
const users = (variables: Record<string, unknown>, tenant: { headers: Record<string, string> } = acme) => gql(url, op('platform', 'Users'), variables, tenant.headers);
const createRole = (input: Record<string, unknown>, tenant: { headers: Record<string, string> } = acme) => gql(url, op('platform', 'CreateRole'), { input }, tenant.headers);
const assignRole = (userId: string, roleId: string, tenant: { headers: Record<string, string> } = acme) => gql(url, op('platform', 'AssignRole'), { userId, roleId }, tenant.headers);
const billing = (tenant: { headers: Record<string, string> }) => gql(url, op('platform', 'Billing'), {}, tenant.headers);
const changePlan = (input: Record<string, unknown>, tenant: { headers: Record<string, string> }) => gql(url, op('platform', 'ChangePlan'), { input }, tenant.headers);
const provision = (input: Record<string, unknown>, tenant: { headers: Record<string, string> } = acme) => gql(url, op('platform', 'ProvisionDatabase'), { input }, tenant.headers);
const instances = (tenant: { headers: Record<string, string> } = acme) => gql(url, op('platform', 'DatabaseInstances'), {}, tenant.headers);
const deleteInstance = (id: string, tenant: { headers: Record<string, string> } = acme) =>
  gql(url, 'mutation($id: ID!) { deleteDatabaseInstance(id: $id) { id status } }', { id }, tenant.headers);
const currentTenant = (tenant: { headers: Record<string, string> }) => gql(url, op('platform', 'CurrentTenant'), {}, tenant.headers);

/** Logs a user in through the contract's LogIn; returns the headers of the new session. */
async function logIn(tenant: TestTenant, email: string, password = PASSWORD): Promise<Record<string, string>> {
  const res = await gql(url, op('identity', 'LogIn'), { input: { tenantSlug: tenant.slug, email, password } });
  if (!res.data?.logIn) throw new Error(`logIn failed: ${JSON.stringify(res.errors)}`);
  return bearer(res.data.logIn.accessToken);
}

/** A user invited with a password and the given roles, logged in. */
async function member(tenant: TestTenant, email: string, roleNames: string[]): Promise<{ id: string; headers: Record<string, string> }> {
  const res = await invite({ email, password: PASSWORD, roleNames }, tenant);
  expect(res.errors).toBeUndefined();
  return { id: res.data!.inviteUser.id, headers: await logIn(tenant, email) };
}

const rows = async <T = any>(query: string, params: unknown[] = []): Promise<T[]> => (await db.query(query, params)).rows as T[];
const events = (tenantId: string, type: string) =>
  rows('SELECT aggregate_type, aggregate_id, actor_id, payload FROM platform.outbox WHERE tenant_id = $1 AND type = $2 ORDER BY seq', [tenantId, type]);
const userCount = async (tenantId: string) => Number((await rows('SELECT count(*) AS n FROM platform.users WHERE tenant_id = $1', [tenantId]))[0].n);
const roleId = async (tenant: TestTenant, name: string) =>
  (await rows<{ id: string }>('SELECT id FROM platform.roles WHERE tenant_id = $1 AND name = $2', [tenant.tenantId, name]))[0].id;

function expectError(res: GraphQLResponse, code: string, field?: string): void {
  expect(res.errors?.[0]?.extensions?.code).toBe(code);
  if (field) expect(res.errors![0].extensions!.field).toBe(field);
}

describe('InviteUser', () => {
  it('invites a user without a password: status invited, role member, no password hash, usage.users counted', async () => {
    const res = await invite({ email: 'Ivy.Invited@Acme.example', firstName: 'Ivy', lastName: 'Invited' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.inviteUser).toEqual({
      id: expect.any(String), email: 'ivy.invited@acme.example', firstName: 'Ivy', lastName: 'Invited', status: 'invited',
      roles: [{ id: await roleId(acme, 'member'), name: 'member' }],
    });
    const [row] = await rows('SELECT password_hash, status FROM platform.users WHERE id = $1', [res.data!.inviteUser.id]);
    expect(row).toEqual({ password_hash: null, status: 'invited' });
    expect((await currentTenant(acme)).data!.tenant.usage).toMatchObject({ users: 2 });
    // An invited user without a password cannot log in.
    const login = await gql(url, op('identity', 'LogIn'), { input: { tenantSlug: acme.slug, email: 'ivy.invited@acme.example', password: PASSWORD } });
    expect(codeOf(login)).toBe('UNAUTHENTICATED');
  });

  it('invites with a password (argon2id) and several roles; the user logs in with them', async () => {
    const res = await invite({ email: 'pat@acme.example', password: PASSWORD, roleNames: ['viewer', 'member', 'viewer'] });
    expect(res.errors).toBeUndefined();
    expect(res.data!.inviteUser).toMatchObject({ status: 'active', firstName: null, roles: [{ name: 'member' }, { name: 'viewer' }] });
    const [row] = await rows('SELECT password_hash FROM platform.users WHERE id = $1', [res.data!.inviteUser.id]);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const me = await gql(url, op('identity', 'Me'), {}, await logIn(acme, 'pat@acme.example'));
    expect(me.data!.me.roles.map((r: any) => r.name)).toEqual(['member', 'viewer']);
  });

  it('writes a platform.user.invited event with its audit entry, and never the password', async () => {
    const res = await invite({ email: 'evt@acme.example', password: PASSWORD, roleNames: ['viewer'] });
    const [event] = await events(acme.tenantId, 'platform.user.invited').then((all) => all.filter((e) => e.aggregate_id === res.data!.inviteUser.id));
    expect(event).toMatchObject({ aggregate_type: 'User', actor_id: acme.userId });
    expect(event.payload.audit).toMatchObject({
      action: 'invite', resourceType: 'User', resourceId: res.data!.inviteUser.id, userId: acme.userId,
      changes: { email: { from: null, to: 'evt@acme.example' }, status: { from: null, to: 'active' }, roles: { from: null, to: ['viewer'] } },
    });
    expect(JSON.stringify(event.payload)).not.toMatch(/password|argon2/i);
  });

  it('shows in the audit trail, ingested from the event', async () => {
    const id = (await invite({ email: 'audited@acme.example', firstName: 'Aud' })).data!.inviteUser.id;
    const deadline = Date.now() + 15_000;
    let entries: any[] = [];
    while (Date.now() < deadline) {
      const res = await gql(url, op('platform', 'AuditTrail'), { filter: { resourceType: 'User', resourceId: id } }, acme.headers);
      entries = res.data?.auditLogs?.edges ?? [];
      if (entries.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(entries.map((e) => e.node)).toEqual([expect.objectContaining({
      action: 'invite', resourceType: 'User', resourceId: id, user: { id: acme.userId, email: acme.email },
      changes: expect.objectContaining({ email: { from: null, to: 'audited@acme.example' } }),
    })]);
  });

  it('refuses the same email twice in a tenant with CONFLICT on email; in another tenant it is a second user', async () => {
    const before = await userCount(acme.tenantId);
    expectError(await invite({ email: 'PAT@acme.example' }), 'CONFLICT', 'email');
    expect(await userCount(acme.tenantId)).toBe(before);
    const other = await signUpTenant(url, 'Other');
    const res = await invite({ email: 'pat@acme.example' }, other);
    expect(res.errors).toBeUndefined();
    expect(res.data!.inviteUser.id).not.toBe((await rows('SELECT id FROM platform.users WHERE tenant_id = $1 AND email = $2', [acme.tenantId, 'pat@acme.example']))[0].id);
  });

  it('rejects an unknown role, a bad email and a short password with BAD_USER_INPUT, writing nothing', async () => {
    const before = [await userCount(acme.tenantId), await outboxCount(acme.tenantId)];
    expectError(await invite({ email: 'nobody@acme.example', roleNames: ['member', 'wizard'] }), 'BAD_USER_INPUT', 'roleNames');
    expectError(await invite({ email: 'nobody@acme.example', roleNames: [] }), 'BAD_USER_INPUT', 'roleNames');
    expectError(await invite({ email: 'not-an-email' }), 'BAD_USER_INPUT', 'email');
    expectError(await invite({ email: 'nobody@acme.example', password: 'short' }), 'BAD_USER_INPUT', 'password');
    expect([await userCount(acme.tenantId), await outboxCount(acme.tenantId)]).toEqual(before);
  });

  it('stops at the plan\'s maxUsers (starter: 5) with PLAN_LIMIT_EXCEEDED and writes nothing', async () => {
    const t = await signUpTenant(url, 'Small');
    for (let i = 1; i <= 4; i += 1) expect((await invite({ email: `u${i}@small.example` }, t)).errors).toBeUndefined();
    expect((await currentTenant(t)).data!.tenant).toMatchObject({ limits: { maxUsers: 5 }, usage: { users: 5 } });
    const before = await outboxCount(t.tenantId);
    const over = await invite({ email: 'u5@small.example' }, t);
    expectError(over, 'PLAN_LIMIT_EXCEEDED');
    expect(over.errors![0].message).toMatch(/5 users/);
    expect(await userCount(t.tenantId)).toBe(5);
    expect(await outboxCount(t.tenantId)).toBe(before);
    expect((await currentTenant(t)).data!.tenant.usage).toMatchObject({ users: 5 });
  });

  it('lets concurrent invitations pass the limit together never (tenant row lock)', async () => {
    const t = await signUpTenant(url, 'Race');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => invite({ email: `r${i}@race.example` }, t)));
    expect(results.filter((r) => !r.errors).length).toBe(4);
    expect(results.filter((r) => codeOf(r) === 'PLAN_LIMIT_EXCEEDED').length).toBe(4);
    expect(await userCount(t.tenantId)).toBe(5);
    expect((await currentTenant(t)).data!.tenant.usage).toMatchObject({ users: 5 });
  });
});

describe('Users', () => {
  let t: TestTenant;
  let salesRoleId: string;
  beforeAll(async () => {
    t = await signUpTenant(url, 'Directory');
    expect((await changePlan({ planId: 'professional' }, t)).errors).toBeUndefined();
    salesRoleId = (await createRole({ name: 'sales', permissions: ['crm:read', 'crm:write'] }, t)).data!.createRole.id;
    for (const [email, firstName, roleNames, password] of [
      ['alice@dir.example', 'Alice', ['member'], PASSWORD],
      ['bob@dir.example', 'Bob', ['viewer'], undefined],
      ['carol@dir.example', 'Carol', ['sales', 'member'], undefined],
      ['dave@dir.example', 'Dave', ['admin'], PASSWORD],
      ['erin@dir.example', 'Erin', ['sales'], undefined],
    ] as [string, string, string[], string | undefined][]) {
      expect((await invite({ email, firstName, lastName: 'Dir', roleNames, password }, t)).errors).toBeUndefined();
    }
    await logIn(t, 'alice@dir.example');
  });

  async function walk(variables: Record<string, unknown>, first: number): Promise<string[]> {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i += 1) {
      const res: GraphQLResponse = await users({ ...variables, first, after }, t);
      expect(res.errors).toBeUndefined();
      const conn: any = res.data!.users;
      seen.push(...conn.edges.map((e: any) => e.node.email));
      if (!conn.pageInfo.hasNextPage) break;
      expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1).cursor);
      after = conn.pageInfo.endCursor;
    }
    return seen;
  }

  it('pages through every user of the tenant by email, with totalCount, roles and lastLogin', async () => {
    expect(await walk({}, 2)).toEqual(['alice@dir.example', 'bob@dir.example', 'carol@dir.example', 'dave@dir.example', 'erin@dir.example', t.email]);
    const res = await users({ first: 3 }, t);
    expect(res.data!.users.totalCount).toBe(6);
    expect(res.data!.users.pageInfo.hasNextPage).toBe(true);
    const [alice, bob, carol] = res.data!.users.edges.map((e: any) => e.node);
    expect(alice).toMatchObject({ email: 'alice@dir.example', firstName: 'Alice', lastName: 'Dir', status: 'active', roles: [{ name: 'member', permissions: expect.arrayContaining(['platform:read']) }] });
    expect(new Date(alice.lastLogin).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(bob).toMatchObject({ status: 'invited', lastLogin: null, roles: [{ name: 'viewer' }] });
    expect(carol.roles).toEqual([{ name: 'member', permissions: expect.any(Array) }, { name: 'sales', permissions: ['crm:read', 'crm:write'] }]);
  });

  it('filters by search, status, role name and role id', async () => {
    const emails = async (filter: Record<string, unknown>) => (await users({ filter, first: 50 }, t)).data!.users.edges.map((e: any) => e.node.email);
    expect(await emails({ search: 'CAROL' })).toEqual(['carol@dir.example']);
    expect(await emails({ search: 'dir' })).toHaveLength(5);
    expect(await emails({ status: 'invited' })).toEqual(['bob@dir.example', 'carol@dir.example', 'erin@dir.example']);
    expect(await emails({ roleName: 'sales' })).toEqual(['carol@dir.example', 'erin@dir.example']);
    expect(await emails({ roleId: salesRoleId, status: 'invited', search: 'erin' })).toEqual(['erin@dir.example']);
    expect(await emails({ roleName: 'owner' })).toEqual([t.email]);
    expect(await emails({ roleId: 'not-a-uuid' })).toEqual([]);
    expect((await users({ filter: { roleName: 'sales' } }, t)).data!.users.totalCount).toBe(2);
  });

  it('rejects a foreign cursor and a page size over 100', async () => {
    expectError(await users({ first: 2, after: 'garbage' }, t), 'BAD_USER_INPUT', 'after');
    expectError(await users({ first: 101 }, t), 'BAD_USER_INPUT', 'first');
  });

  it('loads roles through a DataLoader: the number of SQL statements does not grow with the page', async () => {
    const count = async (first: number) => {
      const before = totalSqlStatements();
      const res = await users({ first }, t);
      expect(res.data!.users.edges).toHaveLength(first);
      return totalSqlStatements() - before;
    };
    await count(1); // warm-up
    expect(await count(6)).toBe(await count(2));
  });
});

describe('CreateRole and AssignRole', () => {
  it('creates a custom role (permissions de-duplicated, not a system role) and lists it with the system roles', async () => {
    const res = await createRole({ name: 'support', description: 'Answers customers', permissions: ['crm:read', 'hr:*', 'crm:read', 'platform:read'] });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createRole).toEqual({ id: expect.any(String), name: 'support', description: 'Answers customers', permissions: ['crm:read', 'hr:*', 'platform:read'], isSystemRole: false });
    const list = await gql(url, '{ roles { name isSystemRole } }', {}, acme.headers);
    expect(list.data!.roles).toEqual([
      { name: 'admin', isSystemRole: true }, { name: 'member', isSystemRole: true }, { name: 'owner', isSystemRole: true },
      { name: 'support', isSystemRole: false }, { name: 'viewer', isSystemRole: true },
    ]);
    const [event] = (await events(acme.tenantId, 'platform.role.created')).filter((e) => e.aggregate_id === res.data!.createRole.id);
    expect(event.payload.audit).toMatchObject({ action: 'create', resourceType: 'Role', changes: { name: { from: null, to: 'support' }, permissions: { from: null, to: ['crm:read', 'hr:*', 'platform:read'] } } });
  });

  it('validates permission strings with BAD_USER_INPUT on permissions', async () => {
    for (const permissions of [['crm'], ['sales:read'], ['crm:READ'], ['crm:read', ''], ['**'], ['crm:read:all'], [' crm:read'], []]) {
      expectError(await createRole({ name: `bad-${permissions.join('-')}`, permissions }), 'BAD_USER_INPUT', 'permissions');
    }
    expect((await createRole({ name: 'Everything', permissions: ['*'] })).data!.createRole.permissions).toEqual(['*']);
    expectError(await createRole({ name: '  ', permissions: ['crm:read'] }), 'BAD_USER_INPUT', 'name');
  });

  it('refuses a taken name, system roles and other case included, with CONFLICT on name', async () => {
    expectError(await createRole({ name: 'admin', permissions: ['crm:read'] }), 'CONFLICT', 'name');
    expectError(await createRole({ name: 'SUPPORT', permissions: ['crm:read'] }), 'CONFLICT', 'name');
  });

  it('assigns a role of the tenant to a user of the tenant, idempotently', async () => {
    const user = (await invite({ email: 'assignee@acme.example' })).data!.inviteUser;
    const support = await roleId(acme, 'support');
    const res = await assignRole(user.id, support);
    expect(res.errors).toBeUndefined();
    expect(res.data!.assignRole).toEqual({ id: user.id, roles: [{ id: await roleId(acme, 'member'), name: 'member' }, { id: support, name: 'support' }] });
    const again = await assignRole(user.id, support);
    expect(again.data!.assignRole).toEqual(res.data!.assignRole);
    expect(await rows('SELECT role_id FROM platform.user_roles WHERE user_id = $1 AND role_id = $2', [user.id, support])).toHaveLength(1);
    const assigned = (await events(acme.tenantId, 'platform.role.assigned')).filter((e) => e.aggregate_id === user.id);
    expect(assigned.map((e) => e.payload.audit.changes)).toEqual([{ roles: { from: ['member'], to: ['member', 'support'] } }, {}]);
    expect(assigned.map((e) => e.payload.data.alreadyAssigned)).toEqual([false, true]);
  });

  it('is NOT_FOUND for unknown or malformed ids', async () => {
    const user = (await invite({ email: 'nf@acme.example' })).data!.inviteUser;
    expectError(await assignRole(NO_ID, await roleId(acme, 'viewer')), 'NOT_FOUND', 'userId');
    expectError(await assignRole(user.id, NO_ID), 'NOT_FOUND', 'roleId');
    expectError(await assignRole('nope', 'nope'), 'NOT_FOUND');
  });

  it('takes effect at the next log-in: a member given platform:admin can then invite', async () => {
    const m = await member(acme, 'promoted@acme.example', ['member']);
    expectError(await invite({ email: 'by-member@acme.example' }, m), 'FORBIDDEN');
    const staff = (await createRole({ name: 'user-admins', permissions: ['platform:admin', 'platform:read'] })).data!.createRole;
    expect((await assignRole(m.id, staff.id)).errors).toBeUndefined();
    const fresh = await logIn(acme, 'promoted@acme.example');
    expect((await invite({ email: 'by-member@acme.example' }, { headers: fresh })).errors).toBeUndefined();
  });

  it('lets nobody grant permissions they do not hold: an admin cannot create or assign an owner-like role', async () => {
    const admin = await member(acme, 'an-admin@acme.example', ['admin']);
    expect((await createRole({ name: 'crm-readers', permissions: ['crm:read'] }, admin)).errors).toBeUndefined();
    const before = await outboxCount(acme.tenantId);
    expectError(await createRole({ name: 'root', permissions: ['*'] }, admin), 'FORBIDDEN');
    expectError(await createRole({ name: 'crm-all', permissions: ['crm:*'] }, admin), 'FORBIDDEN');
    expectError(await assignRole(admin.id, await roleId(acme, 'owner'), admin), 'FORBIDDEN');
    expectError(await invite({ email: 'new-owner@acme.example', roleNames: ['owner'] }, admin), 'FORBIDDEN');
    expect(await outboxCount(acme.tenantId)).toBe(before);
  });
});

describe('a viewer', () => {
  let viewer: { id: string; headers: Record<string, string> };
  let t: TestTenant;
  beforeAll(async () => {
    t = await signUpTenant(url, 'Viewers');
    viewer = await member(t, 'viewer@viewers.example', ['viewer']);
  });

  it('reads users, database instances and the tenant', async () => {
    expect((await users({}, viewer)).data!.users.totalCount).toBe(2);
    expect((await instances(viewer)).data!.databaseInstances).toEqual([]);
    expect((await currentTenant(viewer)).errors).toBeUndefined();
  });

  it('gets FORBIDDEN on billing (platform:admin) and on every write, which writes nothing', async () => {
    const before = [await outboxCount(t.tenantId), await userCount(t.tenantId)];
    expectError(await billing(viewer), 'FORBIDDEN');
    expectError(await invite({ email: 'x@viewers.example' }, viewer), 'FORBIDDEN');
    expectError(await createRole({ name: 'x', permissions: ['crm:read'] }, viewer), 'FORBIDDEN');
    expectError(await assignRole(viewer.id, await roleId(t, 'admin'), viewer), 'FORBIDDEN');
    expectError(await changePlan({ planId: 'enterprise' }, viewer), 'FORBIDDEN');
    expectError(await provision({ name: 'x', engine: 'postgresql', version: '16', region: 'eu-west-1', instanceType: 'db.t3.micro' }, viewer), 'FORBIDDEN');
    expectError(await deleteInstance(NO_ID, viewer), 'FORBIDDEN');
    expect([await outboxCount(t.tenantId), await userCount(t.tenantId)]).toEqual(before);
    expect((await currentTenant(t)).data!.tenant.plan).toBe('starter');
  });

  it('and nobody without a credential gets anything', async () => {
    expect(codeOf(await gql(url, op('platform', 'Users'), {}))).toBe('UNAUTHENTICATED');
    expect(codeOf(await gql(url, op('platform', 'Billing'), {}))).toBe('UNAUTHENTICATED');
    expect(codeOf(await gql(url, op('platform', 'InviteUser'), { input: { email: 'x@example.com' } }))).toBe('UNAUTHENTICATED');
  });
});

describe('Billing and ChangePlan', () => {
  let t: TestTenant;
  const number = (n: number) => `INV-${t.slug.toUpperCase()}-${String(n).padStart(6, '0')}`;
  beforeAll(async () => {
    t = await signUpTenant(url, 'Billing');
  });

  it('has no subscription and no invoices before the first plan change', async () => {
    const res = await billing(t);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ billingSubscription: null, invoices: { edges: [] } });
    const plans = await gql(url, '{ billingPlans { id monthlyCents yearlyCents currency limits } }', {}, t.headers);
    expect(plans.data!.billingPlans).toEqual([
      {
        id: 'starter', monthlyCents: '0', yearlyCents: '0', currency: 'USD',
        limits: { maxUsers: 5, maxContacts: 1000, maxStorageBytes: 5 * 1024 ** 3, operationsPerMinute: 600, costPerMinute: 100_000, apiKeyCostPerMinute: 50_000, maxWebSockets: 25 },
      },
      expect.objectContaining({ id: 'professional', monthlyCents: '4900', yearlyCents: '49000' }),
      expect.objectContaining({ id: 'enterprise', monthlyCents: '29900', yearlyCents: '299000' }),
    ]);
  });

  it('changes to professional monthly: subscription, tenant plan and limits, and a draft invoice in one go', async () => {
    const before = Date.now();
    const res = await changePlan({ planId: 'professional' }, t);
    expect(res.errors).toBeUndefined();
    const { subscription, invoice, tenant } = res.data!.changePlan;
    expect(subscription).toEqual({ id: expect.any(String), planId: 'professional', status: 'active', amountCents: '4900', billingInterval: 'month' });
    expect(invoice).toEqual({ id: expect.any(String), invoiceNumber: number(1), subtotalCents: '4900', taxCents: '0', totalCents: '4900', status: 'draft' });
    // The budgets are the plan's times TENANT_BUDGET_SCALE (tests/helpers/env.ts).
    const scale = Number(process.env.TENANT_BUDGET_SCALE);
    expect(tenant).toEqual({
      id: t.tenantId, plan: 'professional',
      limits: { maxUsers: 50, maxContacts: 50_000, maxStorageBytes: 100 * 1024 ** 3, operationsPerMinute: 3_000 * scale, costPerMinute: 500_000 * scale, apiKeyCostPerMinute: 250_000 * scale, maxWebSockets: 250 * scale },
    });

    const read = (await billing(t)).data!;
    const s = read.billingSubscription;
    expect(s).toMatchObject({ id: subscription.id, planId: 'professional', status: 'active', amountCents: '4900', currency: 'USD', billingInterval: 'month' });
    expect(s.items).toEqual([expect.objectContaining({ planId: 'professional', quantity: 1, unitAmountCents: '4900', amountCents: '4900' })]);
    const start = new Date(s.currentPeriodStart);
    expect(start.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(s.currentPeriodEnd).toISOString()).toBe(addMonths(start, 1).toISOString());
    expect(read.invoices.edges).toHaveLength(1);
    expect(read.invoices.edges[0].node).toMatchObject({ invoiceNumber: number(1), currency: 'USD', status: 'draft', lines: [expect.objectContaining({ planId: 'professional', amountCents: '4900' })] });
    expect((await currentTenant(t)).data!.tenant).toMatchObject({ plan: 'professional', limits: { maxUsers: 50 } });

    const [event] = await events(t.tenantId, 'platform.plan.changed');
    expect(event).toMatchObject({ aggregate_type: 'Tenant', aggregate_id: t.tenantId, actor_id: t.userId });
    expect(event.payload.audit.changes).toMatchObject({ plan: { from: 'starter', to: 'professional' }, billingInterval: { from: null, to: 'month' }, amountCents: { from: null, to: '4900' } });
    expect(event.payload.data.invoice).toMatchObject({ invoiceNumber: number(1), totalCents: '4900' });
  });

  it('bills a year as ten months and adds tax from settings.taxRatePercent (rounded half up)', async () => {
    expect((await gql(url, op('platform', 'UpdateTenant'), { input: { settings: { taxRatePercent: 8.25 } } }, t.headers)).errors).toBeUndefined();
    const res = await changePlan({ planId: 'enterprise', billingInterval: 'year' }, t);
    expect(res.errors).toBeUndefined();
    // 29 900 x 10 = 299 000; 8.25 % of it is 24 667.5, rounded up to 24 668.
    expect(res.data!.changePlan.subscription).toMatchObject({ planId: 'enterprise', amountCents: '299000', billingInterval: 'year' });
    expect(res.data!.changePlan.invoice).toMatchObject({ invoiceNumber: number(2), subtotalCents: '299000', taxCents: '24668', totalCents: '323668' });
    const s = (await billing(t)).data!.billingSubscription;
    expect(s.currentPeriodEnd).toBe(addMonths(new Date(s.currentPeriodStart), 12).toISOString());
    expect(await rows('SELECT count(*)::int AS n FROM platform.subscriptions WHERE tenant_id = $1', [t.tenantId])).toEqual([{ n: 1 }]);
  });

  it('refuses the plan and interval already active with CONFLICT on planId, writing nothing', async () => {
    const before = await outboxCount(t.tenantId);
    expectError(await changePlan({ planId: 'enterprise', billingInterval: 'year' }, t), 'CONFLICT', 'planId');
    expect(await outboxCount(t.tenantId)).toBe(before);
    expect((await billing(t)).data!.invoices.edges).toHaveLength(2);
  });

  it('rejects an unknown plan or interval with BAD_USER_INPUT', async () => {
    expectError(await changePlan({ planId: 'platinum' }, t), 'BAD_USER_INPUT', 'planId');
    expectError(await changePlan({ planId: 'toString' }, t), 'BAD_USER_INPUT', 'planId');
    expectError(await changePlan({ planId: 'starter', billingInterval: 'week' }, t), 'BAD_USER_INPUT', 'billingInterval');
  });

  it('numbers invoices sequentially per tenant and lists them newest first, with cursors', async () => {
    expect((await changePlan({ planId: 'professional', billingInterval: 'year' }, t)).data!.changePlan.invoice.invoiceNumber).toBe(number(3));
    expect((await changePlan({ planId: 'starter' }, t)).data!.changePlan.invoice).toMatchObject({ invoiceNumber: number(4), subtotalCents: '0', taxCents: '0', totalCents: '0' });
    const all = (await billing(t)).data!.invoices.edges.map((e: any) => e.node.invoiceNumber);
    expect(all).toEqual([number(4), number(3), number(2), number(1)]);
    const page = await gql(url, 'query($after: String) { invoices(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { invoiceNumber } } } }', {}, t.headers);
    expect(page.data!.invoices.totalCount).toBe(4);
    expect(page.data!.invoices.pageInfo.hasNextPage).toBe(true);
    const rest = await gql(url, 'query($after: String) { invoices(first: 3, after: $after) { pageInfo { hasNextPage } edges { node { invoiceNumber } } } }', { after: page.data!.invoices.pageInfo.endCursor }, t.headers);
    expect(rest.data!.invoices).toEqual({ pageInfo: { hasNextPage: false }, edges: [{ node: { invoiceNumber: number(1) } }] });
    for (const node of (await billing(t)).data!.invoices.edges.map((e: any) => e.node)) {
      expect(BigInt(node.totalCents)).toBe(BigInt(node.subtotalCents) + BigInt(node.taxCents));
    }
  });

  it('keeps numbers unique and gap-free under concurrent plan changes', async () => {
    const c = await signUpTenant(url, 'Concurrent');
    const results = await Promise.all([
      changePlan({ planId: 'professional' }, c), changePlan({ planId: 'professional', billingInterval: 'year' }, c), changePlan({ planId: 'enterprise' }, c),
    ]);
    for (const r of results) expect(r.errors).toBeUndefined();
    const numbers = results.map((r) => r.data!.changePlan.invoice.invoiceNumber).sort();
    expect(numbers).toEqual([1, 2, 3].map((n) => `INV-${c.slug.toUpperCase()}-00000${n}`));
  });

  it('refuses a plan whose maxUsers is below the tenant\'s users with PLAN_LIMIT_EXCEEDED', async () => {
    const big = await signUpTenant(url, 'Big');
    expect((await changePlan({ planId: 'professional' }, big)).errors).toBeUndefined();
    for (let i = 0; i < 5; i += 1) expect((await invite({ email: `b${i}@big.example` }, big)).errors).toBeUndefined();
    const before = await outboxCount(big.tenantId);
    expectError(await changePlan({ planId: 'starter' }, big), 'PLAN_LIMIT_EXCEEDED');
    expect(await outboxCount(big.tenantId)).toBe(before);
    expect((await currentTenant(big)).data!.tenant).toMatchObject({ plan: 'professional', limits: { maxUsers: 50 } });
  });
});

describe('database instances', () => {
  const pg = { engine: 'postgresql', version: '16', region: 'eu-west-1', instanceType: 'db.t3.micro' };
  let provisioner: DatabaseProvisioner;
  // The provisioner steps every tenant's instances in this database; other files of the same jest run
  // (the leak fuzzer) leave instances of their own tenants provisioning.
  const stepOwn = async () => (await provisioner.step()).filter((move) => move.tenantId === acme.tenantId);
  beforeAll(() => {
    provisioner = new DatabaseProvisioner(platformDb);
  });

  it('provisions in status provisioning with a created event; step() makes it available with a connection string', async () => {
    const res = await provision({ name: 'orders', ...pg, config: { storageGb: 20, replicas: 1 } });
    expect(res.errors).toBeUndefined();
    const created = res.data!.provisionDatabase;
    expect(created).toEqual({
      id: expect.any(String), name: 'orders', engine: 'postgresql', version: '16', region: 'eu-west-1', instanceType: 'db.t3.micro',
      status: 'provisioning', config: { storageGb: 20, replicas: 1 }, createdAt: expect.any(String),
    });
    expect((await instances()).data!.databaseInstances).toEqual([expect.objectContaining({ id: created.id, status: 'provisioning', connectionString: null, metrics: {} })]);
    const [createdEvent] = await events(acme.tenantId, 'platform.database_instance.created');
    expect(createdEvent).toMatchObject({ aggregate_type: 'DatabaseInstance', aggregate_id: created.id, actor_id: acme.userId });
    expect(createdEvent.payload.audit.changes).toMatchObject({ name: { from: null, to: 'orders' }, status: { from: null, to: 'provisioning' } });

    const moves = await stepOwn();
    expect(moves).toEqual([{ id: created.id, tenantId: acme.tenantId, from: 'provisioning', to: 'available', failureReason: null }]);
    const [listed] = (await instances()).data!.databaseInstances;
    expect(listed).toMatchObject({ id: created.id, status: 'available', metrics: {} });
    expect(listed.connectionString).toBe(`postgresql://orders-${created.id.replace(/-/g, '').slice(0, 8)}.eu-west-1.db.bacbos.internal:5432/orders`);
    expect(new Date(listed.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.createdAt).getTime());
    const [moved] = (await events(acme.tenantId, 'platform.database_instance.status_changed')).filter((e) => e.aggregate_id === created.id);
    expect(moved.actor_id).toBeNull();
    expect(moved.payload.audit).toMatchObject({ action: 'update', userId: null, changes: { status: { from: 'provisioning', to: 'available' }, connectionString: { from: null, to: listed.connectionString } } });
    expect(moved.payload.data).toMatchObject({ id: created.id, status: 'available' });
    expect(await stepOwn()).toEqual([]);
  });

  it('fails what it cannot build (unsupported engine, version or config), with the reason', async () => {
    const oracle = (await provision({ name: 'legacy', ...pg, engine: 'Oracle', version: '19c' })).data!.provisionDatabase;
    const old = (await provision({ name: 'ancient', ...pg, version: '9.6' })).data!.provisionDatabase;
    const huge = (await provision({ name: 'huge', ...pg, config: { storageGb: -1 } })).data!.provisionDatabase;
    const cache = (await provision({ name: 'cache', ...pg, engine: 'redis', version: '7.2', region: 'us-east-1' })).data!.provisionDatabase;
    expect(oracle.engine).toBe('oracle');
    const moves = await stepOwn();
    expect(moves.map((m) => [m.id, m.to])).toEqual([[oracle.id, 'failed'], [old.id, 'failed'], [huge.id, 'failed'], [cache.id, 'available']]);
    const byId = Object.fromEntries((await gql(url, '{ databaseInstances { id status connectionString failureReason } }', {}, acme.headers)).data!.databaseInstances.map((d: any) => [d.id, d]));
    expect(byId[oracle.id]).toMatchObject({ status: 'failed', connectionString: null, failureReason: expect.stringMatching(/unsupported engine oracle/) });
    expect(byId[old.id].failureReason).toMatch(/unsupported postgresql version 9\.6/);
    expect(byId[huge.id].failureReason).toMatch(/config\.storageGb/);
    expect(byId[cache.id]).toMatchObject({ status: 'available', failureReason: null, connectionString: connectionStringOf({ ...cache, engine: 'redis' }) });
    expect(byId[cache.id].connectionString).toMatch(/^redis:\/\/cache-[0-9a-f]{8}\.us-east-1\.db\.bacbos\.internal:6379$/);
    const failed = (await events(acme.tenantId, 'platform.database_instance.status_changed')).find((e) => e.aggregate_id === oracle.id);
    expect(failed.payload.audit.changes).toMatchObject({ status: { from: 'provisioning', to: 'failed' }, failureReason: { from: null, to: expect.stringMatching(/oracle/) } });
  });

  it('validates input with BAD_USER_INPUT and refuses a taken name with CONFLICT', async () => {
    expectError(await provision({ ...pg, name: 'bad name!' }), 'BAD_USER_INPUT', 'name');
    expectError(await provision({ ...pg, name: 'ok', region: 'EU WEST' }), 'BAD_USER_INPUT', 'region');
    expectError(await provision({ ...pg, name: 'ok', engine: 'post gres' }), 'BAD_USER_INPUT', 'engine');
    expectError(await provision({ ...pg, name: 'ok', config: ['not', 'an', 'object'] }), 'BAD_USER_INPUT', 'config');
    expectError(await provision({ ...pg, name: 'ORDERS' }), 'CONFLICT', 'name');
  });

  it('deletes only available or failed instances, through deleting to deleted', async () => {
    const pending = (await provision({ name: 'pending', ...pg })).data!.provisionDatabase;
    expectError(await deleteInstance(pending.id), 'CONFLICT', 'status'); // provisioning → deleting is not a move
    await provisioner.step();
    const orders = (await instances()).data!.databaseInstances.find((d: any) => d.name === 'orders');
    const del = await deleteInstance(orders.id);
    expect(del.data!.deleteDatabaseInstance).toEqual({ id: orders.id, status: 'deleting' });
    expectError(await deleteInstance(orders.id), 'CONFLICT', 'status');
    expect(await stepOwn()).toEqual([{ id: orders.id, tenantId: acme.tenantId, from: 'deleting', to: 'deleted', failureReason: null }]);
    expectError(await deleteInstance(orders.id), 'CONFLICT', 'status');
    expect((await instances()).data!.databaseInstances.map((d: any) => d.name)).not.toContain('orders');
    const one = await gql(url, 'query($id: ID!) { databaseInstance(id: $id) { status connectionString } }', { id: orders.id }, acme.headers);
    expect(one.data!.databaseInstance).toEqual({ status: 'deleted', connectionString: null });
    const statuses = (await events(acme.tenantId, 'platform.database_instance.status_changed'))
      .filter((e) => e.aggregate_id === orders.id)
      .map((e) => [e.payload.audit.action, e.payload.audit.changes.status.to]);
    expect(statuses).toEqual([['update', 'available'], ['delete', 'deleting'], ['update', 'deleted']]);
    // The name is free again once the instance is deleted.
    expect((await provision({ name: 'orders', ...pg })).errors).toBeUndefined();
    expectError(await deleteInstance(NO_ID), 'NOT_FOUND');
    expectError(await deleteInstance('nope'), 'NOT_FOUND');
    await provisioner.step();
  });

  it('moves each instance exactly once when two provisioners step at the same time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) ids.push((await provision({ name: `parallel-${i}`, ...pg })).data!.provisionDatabase.id);
    const [a, b] = await Promise.all([new DatabaseProvisioner(platformDb).step(), new DatabaseProvisioner(platformDb).step()]);
    expect([...a, ...b].map((m) => m.id).sort()).toEqual([...ids].sort());
    const moved = await rows(`SELECT aggregate_id FROM platform.outbox WHERE type = 'platform.database_instance.status_changed' AND aggregate_id = ANY($1::uuid[])`, [ids]);
    expect(moved).toHaveLength(6);
  });
});

describe('two tenants', () => {
  let a: TestTenant;
  let b: TestTenant;
  let aUser: string;
  let aRole: string;
  let aDb: string;
  beforeAll(async () => {
    a = await signUpTenant(url, 'Tenant A');
    b = await signUpTenant(url, 'Tenant B');
    aUser = (await invite({ email: 'only-in-a@a.example', firstName: 'Secret' }, a)).data!.inviteUser.id;
    aRole = (await createRole({ name: 'a-special', permissions: ['crm:read'] }, a)).data!.createRole.id;
    aDb = (await provision({ name: 'a-db', engine: 'postgresql', version: '16', region: 'eu-west-1', instanceType: 'db.t3.micro' }, a)).data!.provisionDatabase.id;
    await new DatabaseProvisioner(platformDb).step();
    expect((await changePlan({ planId: 'professional' }, a)).errors).toBeUndefined();
    expect((await invite({ email: 'b-member@b.example' }, b)).errors).toBeUndefined();
  });

  it('lists only the caller\'s users, whatever the filter', async () => {
    const res = await users({ first: 50 }, b);
    expect(res.data!.users.totalCount).toBe(2);
    expect(res.data!.users.edges.map((e: any) => e.node.email).sort()).toEqual(['b-member@b.example', b.email].sort());
    expect((await users({ filter: { search: 'only-in-a' } }, b)).data!.users.totalCount).toBe(0);
    expect((await users({ filter: { search: 'Secret' } }, b)).data!.users.totalCount).toBe(0);
    expect((await users({ filter: { roleId: aRole } }, b)).data!.users.totalCount).toBe(0);
    expect((await users({ filter: { roleName: 'a-special' } }, b)).data!.users.totalCount).toBe(0);
  });

  it('a cursor of one tenant never shows the other tenant\'s users', async () => {
    const page = await users({ first: 1 }, a);
    const cursor = page.data!.users.pageInfo.endCursor;
    const foreign = await users({ first: 50, after: cursor }, b);
    expect(foreign.errors).toBeUndefined();
    for (const edge of foreign.data!.users.edges) expect(['b-member@b.example', b.email]).toContain(edge.node.email);
    const invoices = (await gql(url, '{ invoices(first: 1) { pageInfo { endCursor } } }', {}, a.headers)).data!.invoices.pageInfo.endCursor;
    const bInvoices = await gql(url, 'query($after: String) { invoices(first: 10, after: $after) { totalCount edges { node { id } } } }', { after: invoices }, b.headers);
    expect(bInvoices.data!.invoices).toEqual({ totalCount: 0, edges: [] });
  });

  it('another tenant\'s user or role is NOT_FOUND for AssignRole, and nothing is written', async () => {
    const bMember = (await users({ filter: { search: 'b-member' } }, b)).data!.users.edges[0].node.id;
    expectError(await assignRole(aUser, await roleId(b, 'viewer'), b), 'NOT_FOUND', 'userId');
    expectError(await assignRole(bMember, aRole, b), 'NOT_FOUND', 'roleId');
    expect(await rows('SELECT 1 FROM platform.user_roles WHERE role_id = $1', [aRole])).toHaveLength(0);
    expectError(await invite({ email: 'x@b.example', roleNames: ['a-special'] }, b), 'BAD_USER_INPUT', 'roleNames');
  });

  it('another tenant\'s database instance is missing: absent from the list, null by id, NOT_FOUND to delete', async () => {
    expect((await instances(b)).data!.databaseInstances).toEqual([]);
    const one = await gql(url, 'query($id: ID!) { databaseInstance(id: $id) { id } }', { id: aDb }, b.headers);
    expect(one.errors).toBeUndefined();
    expect(one.data!.databaseInstance).toBeNull();
    expectError(await deleteInstance(aDb, b), 'NOT_FOUND');
    expect((await instances(a)).data!.databaseInstances).toEqual([expect.objectContaining({ id: aDb, status: 'available' })]);
    // The same name is free in the other tenant.
    expect((await provision({ name: 'a-db', engine: 'redis', version: '7.2', region: 'eu-west-1', instanceType: 'cache.t3.micro' }, b)).errors).toBeUndefined();
  });

  it('billing, plans and invoice sequences are the tenant\'s own', async () => {
    const bBilling = (await billing(b)).data!;
    expect(bBilling).toEqual({ billingSubscription: null, invoices: { edges: [] } });
    const res = await changePlan({ planId: 'professional' }, b);
    expect(res.errors).toBeUndefined();
    expect(res.data!.changePlan.invoice.invoiceNumber).toBe(`INV-${b.slug.toUpperCase()}-000001`);
    expect((await billing(a)).data!.invoices.edges.map((e: any) => e.node.invoiceNumber)).toEqual([`INV-${a.slug.toUpperCase()}-000001`]);
    expect((await currentTenant(a)).data!.tenant.plan).toBe('professional');
  });

  it('every event of one tenant\'s admin operations is in that tenant\'s outbox only', async () => {
    const leaked = await rows(
      `SELECT count(*)::int AS n FROM platform.outbox WHERE tenant_id = $1 AND aggregate_id = ANY($2::uuid[])`,
      [b.tenantId, [aUser, aRole, aDb, a.tenantId]],
    );
    expect(leaked).toEqual([{ n: 0 }]);
  });
});

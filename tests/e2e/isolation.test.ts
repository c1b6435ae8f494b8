// Two tenants, every module: neither can read, list, filter, page into, update or delete the
// other's objects. An object of another tenant behaves exactly like one that does not exist.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { codeOf, contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let a: TestTenant;
let b: TestTenant;
const ids: Record<string, string> = {};

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  a = await signUpTenant(url, 'Alpha');
  b = await signUpTenant(url, 'Beta');
  // Tenant A's CRM data, through the API.
  const contact = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Secret', lastName: 'Alpha', email: 'secret@alpha.example', company: 'AlphaCorp', tags: ['alpha'] } }, a.headers);
  ids.contact = contact.data!.createContact.id;
  const lead = await gql(url, op('crm', 'CreateLead'), { input: { contactId: ids.contact, title: 'Alpha lead', ownerId: a.userId } }, a.headers);
  ids.lead = lead.data!.createLead.id;
  const lead2 = await gql(url, op('crm', 'CreateLead'), { input: { contactId: ids.contact, title: 'Alpha lead 2', value: '10.00', currency: 'USD' } }, a.headers);
  const opp = await gql(url, op('crm', 'ConvertLead'), { id: lead2.data!.createLead.id, input: { name: 'Alpha deal', amount: '10.00' } }, a.headers);
  ids.opportunity = opp.data!.convertLead.id;
  // Tenant A's office, identity and HR data (their write operations arrive with later issues).
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  ids.document = randomUUID();
  ids.organization = randomUUID();
  ids.employee = randomUUID();
  await db.query(`INSERT INTO office.documents (id, tenant_id, owner_id, title) VALUES ($1, $2, $3, 'Alpha plan')`, [ids.document, a.tenantId, a.userId]);
  await db.query(`INSERT INTO identity.organizations (id, tenant_id, name) VALUES ($1, $2, 'Alpha HQ')`, [ids.organization, a.tenantId]);
  await db.query(`INSERT INTO identity.organization_members (tenant_id, organization_id, user_id) VALUES ($1, $2, $3)`, [a.tenantId, ids.organization, a.userId]);
  await db.query(
    `INSERT INTO hr.employees (id, tenant_id, employee_number, first_name, last_name, email, user_id, department) VALUES ($1, $2, 'A-001', 'Ann', 'Alpha', 'ann@alpha.example', $3, 'Sales')`,
    [ids.employee, a.tenantId, a.userId],
  );
  await db.end();
});
afterAll(() => platform.stop());

describe('crm', () => {
  it('B cannot read A\'s contact, lead or opportunity by id', async () => {
    expect((await gql(url, op('crm', 'Contact'), { id: ids.contact }, b.headers)).data!.contact).toBeNull();
    expect((await gql(url, 'query($id: ID!) { lead(id: $id) { id } }', { id: ids.lead }, b.headers)).data!.lead).toBeNull();
    expect((await gql(url, 'query($id: ID!) { opportunity(id: $id) { id } }', { id: ids.opportunity }, b.headers)).data!.opportunity).toBeNull();
    // ...while A can.
    expect((await gql(url, op('crm', 'Contact'), { id: ids.contact }, a.headers)).data!.contact.id).toBe(ids.contact);
  });

  it('B lists, filters and pipelines nothing of A', async () => {
    for (const filter of [undefined, { search: 'secret' }, { company: 'AlphaCorp' }, { tags: ['alpha'] }]) {
      const res = await gql(url, op('crm', 'Contacts'), { filter }, b.headers);
      expect(res.data!.contacts).toMatchObject({ totalCount: 0, edges: [] });
    }
    expect((await gql(url, op('crm', 'Pipeline'), {}, b.headers)).data!.pipeline).toEqual([]);
    expect((await gql(url, op('crm', 'MyLeads'), {}, b.headers)).data!.me.leads.totalCount).toBe(0);
  });

  it('A\'s cursor gives B nothing of A', async () => {
    const page = await gql(url, op('crm', 'Contacts'), { first: 1 }, a.headers);
    const cursor = page.data!.contacts.pageInfo.endCursor;
    const res = await gql(url, op('crm', 'Contacts'), { first: 10, after: cursor }, b.headers);
    expect(res.data!.contacts.edges).toEqual([]);
    const before = await gql(url, op('crm', 'Contacts'), { first: 10, after: Buffer.from(JSON.stringify(['createdAt', '1970-01-01T00:00:00.000Z', '00000000-0000-0000-0000-000000000000'])).toString('base64url') }, b.headers);
    expect(before.data!.contacts.edges).toEqual([]);
  });

  it('B cannot update, delete, convert, move or attach leads to A\'s objects', async () => {
    expect(codeOf(await gql(url, op('crm', 'UpdateContact'), { id: ids.contact, input: { firstName: 'Pwned' } }, b.headers))).toBe('NOT_FOUND');
    expect(codeOf(await gql(url, op('crm', 'DeleteContact'), { id: ids.contact }, b.headers))).toBe('NOT_FOUND');
    expect(codeOf(await gql(url, op('crm', 'CreateLead'), { input: { contactId: ids.contact, title: 'Hijack' } }, b.headers))).toBe('BAD_USER_INPUT');
    expect(codeOf(await gql(url, op('crm', 'ConvertLead'), { id: ids.lead, input: { name: 'x', amount: '1.00' } }, b.headers))).toBe('NOT_FOUND');
    expect(codeOf(await gql(url, op('crm', 'MoveOpportunity'), { id: ids.opportunity, stage: 'closed_lost' }, b.headers))).toBe('NOT_FOUND');
    const still = await gql(url, op('crm', 'Contact'), { id: ids.contact }, a.headers);
    expect(still.data!.contact.firstName).toBe('Secret');
    const opp = await gql(url, 'query($id: ID!) { opportunity(id: $id) { stage } }', { id: ids.opportunity }, a.headers);
    expect(opp.data!.opportunity.stage).toBe('prospect');
  });
});

describe('platform', () => {
  it('A\'s user id cannot be made the owner of a lead of B (BAD_USER_INPUT on ownerId)', async () => {
    const contact = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'B', lastName: 'B', email: 'b@beta.example' } }, b.headers);
    const lead = await gql(url, op('crm', 'CreateLead'), { input: { contactId: contact.data!.createContact.id, title: 'Probe', ownerId: a.userId } }, b.headers);
    expect(lead.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ownerId' });
    expect(lead.data?.createLead ?? null).toBeNull();
  });

  it('Me and tenant show each caller only their own', async () => {
    const me = await gql(url, op('identity', 'Me'), {}, b.headers);
    expect(me.data!.me).toMatchObject({ id: b.userId, tenant: { id: b.tenantId } });
    expect(me.data!.me.sessions.every((s: any) => typeof s.id === 'string')).toBe(true);
    const tenant = await gql(url, op('platform', 'CurrentTenant'), {}, b.headers);
    expect(tenant.data!.tenant.id).toBe(b.tenantId);
  });
});

describe('office', () => {
  it('B cannot list or read A\'s documents', async () => {
    const list = await gql(url, '{ documents { totalCount edges { node { id } } } }', {}, b.headers);
    expect(list.data!.documents).toEqual({ totalCount: 0, edges: [] });
    const byId = await gql(url, 'query($id: ID!) { document(id: $id) { id } }', { id: ids.document }, b.headers);
    expect(byId.data!.document).toBeNull();
    const mine = await gql(url, 'query($id: ID!) { document(id: $id) { id title owner { email } } }', { id: ids.document }, a.headers);
    expect(mine.data!.document).toEqual({ id: ids.document, title: 'Alpha plan', owner: { email: a.email } });
  });
});

describe('identity', () => {
  it('B sees none of A\'s organizations', async () => {
    expect((await gql(url, op('identity', 'Organizations'), {}, b.headers)).data!.organizations).toEqual([]);
    const mine = await gql(url, op('identity', 'Organizations'), {}, a.headers);
    expect(mine.data!.organizations).toEqual([{ id: ids.organization, name: 'Alpha HQ', parent: null, members: [{ id: a.userId, email: a.email }] }]);
  });
});

describe('hr', () => {
  it('B cannot list, filter or read A\'s employees', async () => {
    const list = await gql(url, op('hr', 'Employees'), { filter: { search: 'ann' } }, b.headers);
    expect(list.data!.employees).toMatchObject({ totalCount: 0, edges: [] });
    expect((await gql(url, 'query($id: ID!) { employee(id: $id) { id } }', { id: ids.employee }, b.headers)).data!.employee).toBeNull();
    const mine = await gql(url, op('hr', 'Employees'), { filter: { department: 'Sales' } }, a.headers);
    expect(mine.data!.employees.edges[0].node).toMatchObject({ id: ids.employee, employeeNumber: 'A-001', user: { id: a.userId, email: a.email } });
  });
});

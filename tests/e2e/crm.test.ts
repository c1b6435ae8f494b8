// The contract's CRM operations (shared/contract/operations/crm.graphql), end to end through the
// gateway against real PostgreSQL, with assertions on data and on the errors the contract names.
import { codeOf, contractOperation as op, gql, signUpTenant, type GraphQLResponse, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let acme: TestTenant;

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  acme = await signUpTenant(url);
});
afterAll(() => platform.stop());

const createContact = (input: Record<string, unknown>, tenant = acme) => gql(url, op('crm', 'CreateContact'), { input }, tenant.headers);

describe('contacts', () => {
  it('creates a contact with every field and reads it back', async () => {
    const res = await createContact({
      firstName: 'Ada', lastName: 'Lovelace', email: 'Ada@Example.com', phone: '+44 20 7946 0000', company: 'Analytical Engines',
      title: 'CTO', source: 'referral', tags: ['vip', 'math'], customFields: { linkedin: 'ada', score: 9 },
    });
    expect(res.errors).toBeUndefined();
    const c = res.data!.createContact;
    expect(c).toMatchObject({
      firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', company: 'Analytical Engines', title: 'CTO', source: 'referral',
      status: 'active', tags: ['vip', 'math'], customFields: { linkedin: 'ada', score: 9 },
    });
    expect(c.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const read = await gql(url, op('crm', 'Contact'), { id: c.id }, acme.headers);
    expect(read.data!.contact).toMatchObject({ id: c.id, email: 'ada@example.com', phone: '+44 20 7946 0000' });
  });

  it('refuses the same email twice in a tenant with CONFLICT on field email, and writes nothing', async () => {
    await createContact({ firstName: 'Bob', lastName: 'One', email: 'bob@example.com' });
    const dup = await createContact({ firstName: 'Bob', lastName: 'Two', email: 'BOB@example.com' });
    expect(codeOf(dup)).toBe('CONFLICT');
    expect(dup.errors![0].extensions!.field).toBe('email');
    const list = await gql(url, op('crm', 'Contacts'), { filter: { search: 'bob@example.com' } }, acme.headers);
    expect(list.data!.contacts.totalCount).toBe(1);
    expect(list.data!.contacts.edges[0].node.lastName).toBe('One');
  });

  it('allows the same email in two tenants', async () => {
    const other = await signUpTenant(url, 'Other');
    const res = await createContact({ firstName: 'Bob', lastName: 'Elsewhere', email: 'bob@example.com' }, other);
    expect(res.errors).toBeUndefined();
  });

  it('rejects bad input with BAD_USER_INPUT naming the field', async () => {
    const res = await createContact({ firstName: 'X', lastName: 'Y', email: 'not-an-email' });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.field).toBe('email');
  });

  it('updates a contact and moves updatedAt', async () => {
    const c = (await createContact({ firstName: 'Up', lastName: 'Date', email: 'update@example.com' })).data!.createContact;
    const res = await gql(url, op('crm', 'UpdateContact'), { id: c.id, input: { status: 'inactive', tags: ['churned'], customFields: { reason: 'price' } } }, acme.headers);
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateContact).toMatchObject({ id: c.id, status: 'inactive', tags: ['churned'], customFields: { reason: 'price' }, firstName: 'Up' });
    expect(new Date(res.data!.updateContact.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(c.updatedAt).getTime());
  });

  it('updating to a taken email is CONFLICT and changes nothing', async () => {
    const a = (await createContact({ firstName: 'A', lastName: 'A', email: 'taken-a@example.com' })).data!.createContact;
    await createContact({ firstName: 'B', lastName: 'B', email: 'taken-b@example.com' });
    const res = await gql(url, op('crm', 'UpdateContact'), { id: a.id, input: { email: 'taken-b@example.com', firstName: 'Changed' } }, acme.headers);
    expect(codeOf(res)).toBe('CONFLICT');
    const read = await gql(url, op('crm', 'Contact'), { id: a.id }, acme.headers);
    expect(read.data!.contact).toMatchObject({ email: 'taken-a@example.com', firstName: 'A' });
  });

  it('returns null for an unknown or malformed id and NOT_FOUND when updating one', async () => {
    const missing = await gql(url, op('crm', 'Contact'), { id: '00000000-0000-4000-8000-000000000000' }, acme.headers);
    expect(missing.data!.contact).toBeNull();
    const malformed = await gql(url, op('crm', 'Contact'), { id: 'nope' }, acme.headers);
    expect(malformed.data!.contact).toBeNull();
    const upd = await gql(url, op('crm', 'UpdateContact'), { id: '00000000-0000-4000-8000-000000000000', input: { firstName: 'x' } }, acme.headers);
    expect(codeOf(upd)).toBe('NOT_FOUND');
  });
});

describe('pagination, filters and ordering', () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await signUpTenant(url, 'Pager');
    const people = [
      ['Zoe', 'Adams', 'Globex', ['a']], ['Yan', 'Baker', null, ['b']], ['Xia', 'Chen', 'Acme', ['a', 'b']], ['Will', 'Diaz', 'Initech', []],
      ['Val', 'Evans', null, ['c']], ['Uma', 'Fox', 'Acme', ['a']], ['Tom', 'Gray', 'Hooli', []],
    ] as [string, string, string | null, string[]][];
    for (const [firstName, lastName, company, tags] of people) {
      const res = await createContact({ firstName, lastName, email: `${firstName.toLowerCase()}@p.example`, company, tags, source: tags.includes('a') ? 'web' : 'event' }, tenant);
      expect(res.errors).toBeUndefined();
    }
  });

  async function walk(variables: Record<string, unknown>, pageSize: number): Promise<string[]> {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i += 1) {
      const res: GraphQLResponse = await gql(url, op('crm', 'Contacts'), { ...variables, first: pageSize, after }, tenant.headers);
      expect(res.errors).toBeUndefined();
      const conn: any = res.data!.contacts;
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...conn.edges.map((e: any) => e.node.lastName));
      if (!conn.pageInfo.hasNextPage) break;
      expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1).cursor);
      after = conn.pageInfo.endCursor;
    }
    return seen;
  }

  it('walks every page in creation order without repeats', async () => {
    expect(await walk({}, 3)).toEqual(['Adams', 'Baker', 'Chen', 'Diaz', 'Evans', 'Fox', 'Gray']);
  });

  it('orders by last name, email and company (nulls last) in both directions', async () => {
    expect(await walk({ orderBy: { field: 'LAST_NAME', direction: 'DESC' } }, 2)).toEqual(['Gray', 'Fox', 'Evans', 'Diaz', 'Chen', 'Baker', 'Adams']);
    expect(await walk({ orderBy: { field: 'EMAIL', direction: 'ASC' } }, 4)).toEqual(['Gray', 'Fox', 'Evans', 'Diaz', 'Chen', 'Baker', 'Adams']);
    // Equal companies tie-break on the (random) id, so compare the company sequence, and that
    // every contact shows up exactly once.
    const company: Record<string, string | null> = { Adams: 'Globex', Baker: null, Chen: 'Acme', Diaz: 'Initech', Evans: null, Fox: 'Acme', Gray: 'Hooli' };
    const asc = await walk({ orderBy: { field: 'COMPANY', direction: 'ASC' } }, 2);
    expect(asc.map((n) => company[n])).toEqual(['Acme', 'Acme', 'Globex', 'Hooli', 'Initech', null, null]);
    expect(new Set(asc).size).toBe(7);
    const desc = await walk({ orderBy: { field: 'COMPANY', direction: 'DESC' } }, 2);
    expect(desc.map((n) => company[n])).toEqual(['Initech', 'Hooli', 'Globex', 'Acme', 'Acme', null, null]);
    expect(new Set(desc).size).toBe(7);
  });

  it('keeps cursors stable when rows are inserted before and after them', async () => {
    const first = await gql(url, op('crm', 'Contacts'), { first: 3, orderBy: { field: 'LAST_NAME', direction: 'ASC' } }, tenant.headers);
    const cursor = first.data!.contacts.pageInfo.endCursor;
    await createContact({ firstName: 'Ann', lastName: 'Aaron', email: 'ann@p.example' }, tenant); // sorts before the cursor
    await createContact({ firstName: 'Zed', lastName: 'Zulu', email: 'zed@p.example' }, tenant); // sorts after it
    const next = await gql(url, op('crm', 'Contacts'), { first: 10, after: cursor, orderBy: { field: 'LAST_NAME', direction: 'ASC' } }, tenant.headers);
    expect(next.data!.contacts.edges.map((e: any) => e.node.lastName)).toEqual(['Diaz', 'Evans', 'Fox', 'Gray', 'Zulu']);
    expect(next.data!.contacts.totalCount).toBe(9);
  });

  it('filters by search, status, tags (any of), source and company', async () => {
    const names = async (filter: Record<string, unknown>) =>
      (await gql(url, op('crm', 'Contacts'), { filter, first: 50 }, tenant.headers)).data!.contacts.edges.map((e: any) => e.node.lastName).sort();
    expect(await names({ search: 'acme' })).toEqual(['Chen', 'Fox']);
    expect(await names({ search: 'XIA' })).toEqual(['Chen']);
    expect(await names({ tags: ['b', 'c'] })).toEqual(['Baker', 'Chen', 'Evans']);
    expect(await names({ source: 'web' })).toEqual(['Adams', 'Chen', 'Fox']);
    expect(await names({ company: 'acme', tags: ['a'] })).toEqual(['Chen', 'Fox']);
    expect(await names({ status: 'inactive' })).toEqual([]);
  });

  it('rejects a cursor of another ordering and a page size over 100', async () => {
    const page = await gql(url, op('crm', 'Contacts'), { first: 1 }, tenant.headers);
    const wrong = await gql(url, op('crm', 'Contacts'), { first: 1, after: page.data!.contacts.pageInfo.endCursor, orderBy: { field: 'EMAIL', direction: 'ASC' } }, tenant.headers);
    expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
    expect(wrong.errors![0].extensions!.field).toBe('after');
    const garbage = await gql(url, op('crm', 'Contacts'), { first: 1, after: 'not-a-cursor' }, tenant.headers);
    expect(codeOf(garbage)).toBe('BAD_USER_INPUT');
    const big = await gql(url, op('crm', 'Contacts'), { first: 101 }, tenant.headers);
    expect(codeOf(big)).toBe('BAD_USER_INPUT');
    expect(big.errors![0].extensions!.field).toBe('first');
  });
});

describe('leads, opportunities and the pipeline', () => {
  let tenant: TestTenant;
  let contactId: string;
  let convertedOpportunityId: string;
  beforeAll(async () => {
    tenant = await signUpTenant(url, 'Sales');
    contactId = (await createContact({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@navy.example' }, tenant)).data!.createContact.id;
  });

  const createLead = (input: Record<string, unknown>) => gql(url, op('crm', 'CreateLead'), { input }, tenant.headers);

  it('creates a lead owned by a platform user, resolved across subgraphs', async () => {
    const res = await createLead({ contactId, title: 'Compiler licences', value: '1250.50', currency: 'usd', source: 'web', stage: 'qualified', ownerId: tenant.userId, priority: 'high', tags: ['q4'] });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createLead).toMatchObject({
      title: 'Compiler licences', value: '1250.50', currency: 'USD', status: 'new', stage: 'qualified', priority: 'high', tags: ['q4'],
      owner: { id: tenant.userId, email: tenant.email }, contact: { id: contactId, email: 'grace@navy.example' },
    });
  });

  it('validates priority and the contact', async () => {
    const bad = await createLead({ contactId, title: 'x', priority: 'sky-high' });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.field).toBe('priority');
    const noContact = await createLead({ contactId: '00000000-0000-4000-8000-000000000000', title: 'x' });
    expect(noContact.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contactId' });
    const floaty = await gql(url, op('crm', 'CreateLead'), { input: { contactId, title: 'x', value: 12.5 } }, tenant.headers);
    expect(codeOf(floaty)).toBe('BAD_USER_INPUT'); // Decimal is a string, never a float
    const badDay = await gql(url, op('crm', 'ConvertLead'), { id: contactId, input: { name: 'x', amount: '1.00', closeDate: '2026-02-30' } }, tenant.headers);
    expect(codeOf(badDay)).toBe('BAD_USER_INPUT');
  });

  it('converts a lead once; the second time is CONFLICT', async () => {
    const lead = (await createLead({ contactId, title: 'Mainframe', value: '9000.00', currency: 'EUR', ownerId: tenant.userId })).data!.createLead;
    const res = await gql(url, op('crm', 'ConvertLead'), { id: lead.id, input: { name: 'Mainframe deal', amount: '8500.00', closeDate: '2026-12-31', probability: 40 } }, tenant.headers);
    expect(res.errors).toBeUndefined();
    expect(res.data!.convertLead).toMatchObject({
      name: 'Mainframe deal', amount: '8500.00', currency: 'EUR', stage: 'prospect', probability: 40, closeDate: '2026-12-31',
      lead: { id: lead.id, status: 'converted' }, contact: { id: contactId, email: 'grace@navy.example' },
    });
    convertedOpportunityId = res.data!.convertLead.id;
    const again = await gql(url, op('crm', 'ConvertLead'), { id: lead.id, input: { name: 'Again', amount: '1.00' } }, tenant.headers);
    expect(codeOf(again)).toBe('CONFLICT');
  });

  it('moves an opportunity and sums the open pipeline by stage', async () => {
    const mk = async (title: string, amount: string) => {
      const lead = (await createLead({ contactId, title, currency: 'USD' })).data!.createLead;
      return (await gql(url, op('crm', 'ConvertLead'), { id: lead.id, input: { name: title, amount } }, tenant.headers)).data!.convertLead;
    };
    const a = await mk('A', '100.10');
    await mk('B', '200.20');
    const c = await mk('C', '300.30');
    const moved = await gql(url, op('crm', 'MoveOpportunity'), { id: a.id, stage: 'negotiation', probability: 70 }, tenant.headers);
    expect(moved.data!.moveOpportunity).toMatchObject({ id: a.id, stage: 'negotiation', probability: 70 });
    await gql(url, op('crm', 'MoveOpportunity'), { id: c.id, stage: 'closed_won' }, tenant.headers);
    const bad = await gql(url, op('crm', 'MoveOpportunity'), { id: a.id, stage: 'proposal', probability: 140 }, tenant.headers);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    const pipeline = (await gql(url, op('crm', 'Pipeline'), {}, tenant.headers)).data!.pipeline;
    expect(pipeline).toEqual(expect.arrayContaining([
      { stage: 'negotiation', count: 1, totalAmount: '100.10', currency: 'USD' },
      { stage: 'prospect', count: 1, totalAmount: '200.20', currency: 'USD' },
      { stage: 'prospect', count: 1, totalAmount: '8500.00', currency: 'EUR' },
    ]));
    expect(pipeline.find((s: any) => s.stage === 'closed_won')).toBeUndefined();
  });

  it('lists the caller\'s leads through the User extension (MyLeads)', async () => {
    const res = await gql(url, op('crm', 'MyLeads'), {}, tenant.headers);
    expect(res.errors).toBeUndefined();
    expect(res.data!.me.id).toBe(tenant.userId);
    const titles = res.data!.me.leads.edges.map((e: any) => e.node.title);
    expect(titles).toEqual(['Mainframe', 'Compiler licences']);
    expect(res.data!.me.leads.totalCount).toBe(2);
    expect(res.data!.me.leads.edges[0].node.contact.email).toBe('grace@navy.example');
  });

  it('deleting a contact deletes its leads and keeps its opportunities with contact null', async () => {
    const contacts = await gql(url, op('crm', 'Contacts'), { filter: { search: 'grace' } }, tenant.headers);
    const node = contacts.data!.contacts.edges[0].node;
    expect(node.leads.length).toBeGreaterThanOrEqual(5);
    expect(node.opportunities.length).toBe(4);
    const del = await gql(url, op('crm', 'DeleteContact'), { id: contactId }, tenant.headers);
    expect(del.data!.deleteContact).toBe(true);
    expect((await gql(url, op('crm', 'Contact'), { id: contactId }, tenant.headers)).data!.contact).toBeNull();
    const myLeads = await gql(url, op('crm', 'MyLeads'), {}, tenant.headers);
    expect(myLeads.data!.me.leads.totalCount).toBe(0);
    const pipeline = (await gql(url, op('crm', 'Pipeline'), {}, tenant.headers)).data!.pipeline;
    expect(pipeline.reduce((n: number, s: any) => n + s.count, 0)).toBe(3);
    const opp = await gql(url, 'query($id: ID!) { opportunity(id: $id) { id name contact { id } lead { id } } }', { id: convertedOpportunityId }, tenant.headers);
    // The lead went with the contact (cascade), so the opportunity keeps neither, but survives.
    expect(opp.data!.opportunity).toEqual({ id: convertedOpportunityId, name: 'Mainframe deal', contact: null, lead: null });
    const again = await gql(url, op('crm', 'DeleteContact'), { id: contactId }, tenant.headers);
    expect(codeOf(again)).toBe('NOT_FOUND');
  });
});

describe('permissions', () => {
  it('refuses CRM operations without a credential', async () => {
    const res = await gql(url, op('crm', 'Contacts'), {});
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
  });

  it('refuses a forged or expired token', async () => {
    const res = await gql(url, op('crm', 'Contacts'), {}, { authorization: `Bearer ${acme.accessToken.slice(0, -4)}AAAA` });
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    expect(res.status).toBe(401);
  });
});

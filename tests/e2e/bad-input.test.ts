// Client mistakes are contract errors, never INTERNAL_SERVER_ERROR: NUL characters in text,
// filters and JSON (PostgreSQL refuses them), LIKE wildcards and a trailing backslash in search
// filters, cursors carrying a non-UUID id, deeply nested JSON, and a Date literal that is not a day.
import { Client } from 'pg';
import { addTenantUser, codeOf, contractOperation as op, gql, ok, signUpTenant, type GraphQLResponse, type TestTenant } from '../helpers/graphql';
import { outboxProbe } from '../helpers/outbox';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let db: Client;
let acme: TestTenant;
const { failsCleanly } = outboxProbe('crm', () => db);

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  acme = await signUpTenant(url, 'BadInput');
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
});
afterAll(async () => {
  await db.end();
  await platform.stop();
});

const createContact = (input: Record<string, unknown>) => gql(url, op('crm', 'CreateContact'), { input }, acme.headers);
const contacts = (variables: Record<string, unknown>) => gql(url, op('crm', 'Contacts'), variables, acme.headers);

function expectBadInput(res: GraphQLResponse, field?: string): void {
  expect(res.status).toBeLessThan(500);
  expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  if (field) expect(res.errors?.[0]?.extensions?.field).toBe(field);
}

function nested(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i += 1) value = { down: value };
  return value;
}

describe('NUL characters', () => {
  it('in a stored text field: BAD_USER_INPUT on that field, nothing written', async () => {
    await failsCleanly(acme.tenantId, () => createContact({ firstName: 'Nu\u0000l', lastName: 'Byte', email: 'nul@example.com' }), 'BAD_USER_INPUT', 'firstName');
  });

  it('inside a JSON value: BAD_USER_INPUT on that field, nothing written', async () => {
    await failsCleanly(
      acme.tenantId,
      () => createContact({ firstName: 'Json', lastName: 'Nul', email: 'jsonnul@example.com', customFields: { note: 'a\u0000b' } }),
      'BAD_USER_INPUT',
      'customFields.note',
    );
  });

  it('in a filter', async () => {
    expectBadInput(await contacts({ filter: { search: 'x\u0000' } }), 'search');
  });

  it('written inline in the document', async () => {
    const res = await gql(url, '{ contacts(filter: { search: "x\\u0000y" }) { totalCount } }', {}, acme.headers);
    expectBadInput(res, 'search');
  });
});

describe('search filters match literally', () => {
  beforeAll(async () => {
    await ok(createContact({ firstName: 'Percent', lastName: '100%', email: 'percent@example.com' }), 'createContact');
    await ok(createContact({ firstName: 'Under', lastName: 'Score_Man', email: 'under@example.com' }), 'createContact');
    await ok(createContact({ firstName: 'Back', lastName: 'Sla\\sh', email: 'slash@example.com' }), 'createContact');
    await ok(createContact({ firstName: 'Plain', lastName: 'Person', email: 'plain@example.com' }), 'createContact');
  });

  const names = async (search: string) =>
    (await ok(contacts({ first: 50, filter: { search } }), 'contacts')).edges.map((e: { node: { lastName: string } }) => e.node.lastName).sort();

  it('% and _ are not wildcards', async () => {
    expect(await names('%')).toEqual(['100%']);
    expect(await names('_')).toEqual(['Score_Man']);
    expect(await names('e%n')).toEqual([]);
  });

  it('a backslash, also trailing, is an ordinary character', async () => {
    expect(await names('\\')).toEqual(['Sla\\sh']);
    expect(await names('sla\\')).toEqual(['Sla\\sh']);
    expect(await names('\\s')).toEqual(['Sla\\sh']);
  });
});

describe('cursors', () => {
  it('a cursor whose id is not a UUID is BAD_USER_INPUT on after', async () => {
    const forged = Buffer.from(JSON.stringify(['createdAt', new Date().toISOString(), 'not-a-uuid'])).toString('base64url');
    expectBadInput(await contacts({ first: 5, after: forged }), 'after');
  });

  it('a cursor carrying an invalid date is BAD_USER_INPUT on after', async () => {
    const forged = Buffer.from(JSON.stringify(['createdAt', '2026-99-99', '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    expectBadInput(await contacts({ first: 5, after: forged }), 'after');
  });
});

describe('JSON inputs', () => {
  it('customFields nested 5,000 levels: BAD_USER_INPUT, nothing written', async () => {
    // Written by hand: JSON.stringify itself would overflow the test's stack.
    const deep = `${'{"down":'.repeat(5000)}"bottom"${'}'.repeat(5000)}`;
    const body = `{"query":${JSON.stringify(op('crm', 'CreateContact'))},"variables":{"input":{"firstName":"Deep","lastName":"Json","email":"deep@example.com","customFields":${deep}}}}`;
    await failsCleanly(acme.tenantId, async () => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...acme.headers }, body });
      return { ...((await res.json()) as GraphQLResponse), status: res.status };
    }, 'BAD_USER_INPUT', 'customFields');
  });

  it('moderate nesting is still accepted', async () => {
    const c = await ok(createContact({ firstName: 'Nested', lastName: 'Ok', email: 'nested@example.com', customFields: nested(20) as Record<string, unknown> }), 'createContact');
    expect(JSON.stringify(c.customFields)).toContain('bottom');
  });
});

describe('scalar literals', () => {
  it('an invalid Date written inline is BAD_USER_INPUT, not INTERNAL_SERVER_ERROR, every time it is sent', async () => {
    // The gateway checks a document's literals once and remembers the verdict: the second send is refused too.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const res = await gql(url, '{ timesheet(employeeId: "00000000-0000-4000-8000-000000000000", from: "2026-13-01", to: "2026-01-31") { totalWorkedMinutes } }', {}, acme.headers);
      expectBadInput(res);
      expect(res.errors![0].message).toMatch(/Date/);
    }
  });

  it('an invalid DateTime written inline is BAD_USER_INPUT', async () => {
    const res = await gql(url, '{ agenda(from: "yesterday", to: "2026-01-31T00:00:00Z") { eventId } }', {}, acme.headers);
    expectBadInput(res);
  });

  it('an invalid Date in a variable stays BAD_USER_INPUT', async () => {
    const res = await gql(url, op('hr', 'Timesheet'), { employeeId: '00000000-0000-4000-8000-000000000000', from: '2026-02-30', to: '2026-03-01' }, acme.headers);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
  });
});

describe('instants', () => {
  it('a DateTime past year 9999 in UTC is BAD_USER_INPUT, not a database error', async () => {
    const doc = await gql(url, op('office', 'RequestUpload'), { input: { name: 'y.txt', contentType: 'text/plain', size: 1 } }, acme.headers);
    const fileId = doc.data!.requestUpload.file.id;
    const other = await addTenantUser(url, acme, 'member', 'instant');
    const res = await gql(url, op('office', 'ShareFile'), { fileId, input: { userId: other.userId, permission: 'VIEW', expiresAt: '9999-12-31T23:59:59.999-23:59' } }, acme.headers);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/9999/);
  });
});

describe('operation names', () => {
  // A GraphQL-over-HTTP client (application/graphql-response+json) gets the 4xx; a legacy
  // application/json client gets 200 with the same error (http-conformance.ts).
  const post = async (body: Record<string, unknown>, accept = 'application/graphql-response+json') => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept, ...acme.headers }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as GraphQLResponse };
  };

  it('an operationName the document does not define is 400 GRAPHQL_VALIDATION_FAILED naming it, not a 500', async () => {
    const { status, body } = await post({ query: 'query Contacts { contacts(first: 1) { totalCount } }', operationName: 'Nope' });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toBe('Unknown operation named "Nope".');
    expect(body.data).toBeUndefined();
    const legacy = await post({ query: 'query Contacts { contacts(first: 1) { totalCount } }', operationName: 'Nope' }, 'application/json');
    expect(legacy.status).toBe(200);
    expect(legacy.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('two operations and no operationName is 400 GRAPHQL_VALIDATION_FAILED; naming one runs it', async () => {
    const query = 'query A { contacts(first: 1) { totalCount } } query B { contacts(first: 2) { totalCount } }';
    const { status, body } = await post({ query });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const named = await post({ query, operationName: 'B' });
    expect(named.status).toBe(200);
    expect(named.body.errors).toBeUndefined();
    expect(typeof (named.body.data as { contacts: { totalCount: number } }).contacts.totalCount).toBe('number');
  });

  it('a mutation sent with another operation\'s name changes nothing', async () => {
    const before = await contacts({ first: 1 });
    const { status } = await post({ query: 'mutation Add { createContact(input: { firstName: "Never", lastName: "Written", email: "never@example.com" }) { id } }', operationName: 'Other' });
    expect(status).toBe(400);
    expect((await contacts({ first: 1 })).data?.contacts.totalCount).toBe(before.data?.contacts.totalCount);
  });
});

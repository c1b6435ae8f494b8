// The subgraphs' fast path (packages/common/src/graphql-executor.ts): the gateway's plain JSON POSTs
// of a known, valid operation run without Apollo Server's pipeline, and answer exactly what Apollo
// answers; everything else still reaches Apollo. Shown on the crm subgraph, in process, with two
// tenants and the real database.
import { ApolloServer } from '@apollo/server';
import { crmSubgraph } from '@bacbos/crm';
import { TwoTenantSeed, signedContext, type SeedTenant } from '../helpers/seed';
import { startSubgraphUnderTest, type SubgraphUnderTest } from '../helpers/subgraph';

let subgraph: SubgraphUnderTest;
let seed: TwoTenantSeed;
const apolloCalls = jest.spyOn(ApolloServer.prototype, 'executeHTTPGraphQLRequest');

const PAGE = `query Page($first: Int) { contacts(first: $first) { totalCount edges { cursor node { id lastName leads { id title value owner { id } } } } } }`;

interface Answer {
  status: number;
  type: string | null;
  requestId: string | null;
  text: string;
}

async function post(tenant: SeedTenant | null, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(subgraph.running.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(tenant ? signedContext(seed.caller(tenant)) : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), requestId: res.headers.get('x-request-id'), text: await res.text() };
}

/** The same request answered by Apollo Server: an extension the fast path leaves to it (Apollo ignores unknown ones). */
const throughApollo = (body: Record<string, unknown>) => ({ ...body, extensions: { probe: true } });

/** Calls Apollo's pipeline made while running `fn`. */
async function apolloCallsDuring(fn: () => Promise<unknown>): Promise<number> {
  const before = apolloCalls.mock.calls.length;
  await fn();
  return apolloCalls.mock.calls.length - before;
}

beforeAll(async () => {
  seed = await TwoTenantSeed.create();
  subgraph = await startSubgraphUnderTest(crmSubgraph());
  for (const tenant of seed.tenants) {
    for (let i = 0; i < 3; i += 1) {
      const contact = await seed.insert('crm.contacts', tenant, { first_name: 'Ada', last_name: `${tenant.key}-${i}`, email: `c${i}@${tenant.slug}.example`, created_at: new Date(Date.now() + i) });
      await seed.insert('crm.leads', tenant, { contact_id: contact.id, title: `Lead ${tenant.key}-${i}`, value: '1250.50', owner_id: tenant.ownerId });
    }
  }
});
afterAll(async () => {
  await subgraph?.stop();
  await seed?.close();
  apolloCalls.mockRestore();
});

describe('subgraph fast path', () => {
  it('answers a known query without Apollo, byte for byte as Apollo answers it', async () => {
    const body = { query: PAGE, variables: { first: 2 }, operationName: 'Page' };
    const apollo = await post(seed.a, throughApollo(body));
    let fast: Answer | undefined;
    expect(await apolloCallsDuring(async () => (fast = await post(seed.a, body)))).toBe(0);
    expect({ ...fast, requestId: undefined }).toEqual({ ...apollo, requestId: undefined });
    expect(fast?.status).toBe(200);
    expect(fast?.type).toBe('application/json; charset=utf-8');
    const page = JSON.parse(fast!.text).data.contacts;
    expect(page.totalCount).toBe(3);
    expect(page.edges.map((e: { node: { lastName: string } }) => e.node.lastName)).toEqual(['a-0', 'a-1']);
    expect(page.edges[0].node.leads).toEqual([expect.objectContaining({ title: 'Lead a-0', value: '1250.50', owner: { id: seed.a.ownerId } })]);
  });

  it('answers field errors as Apollo does: the contract code, data beside them, status 200', async () => {
    const body = { query: PAGE, variables: { first: 1000 } };
    const apollo = await post(seed.a, throughApollo(body));
    let fast: Answer | undefined;
    expect(await apolloCallsDuring(async () => (fast = await post(seed.a, body)))).toBe(0);
    expect({ ...fast, requestId: undefined }).toEqual({ ...apollo, requestId: undefined });
    expect(fast?.status).toBe(200);
    expect(JSON.parse(fast!.text)).toMatchObject({ data: null, errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 'first' }, path: ['contacts'] }] });
    // A caller without the permission: FORBIDDEN, masked as every subgraph masks it.
    const forbidden = await fetch(subgraph.running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedContext(seed.caller(seed.a, { permissions: ['hr:read'] })) },
      body: JSON.stringify({ query: PAGE }),
    });
    expect(await forbidden.json()).toMatchObject({ data: null, errors: [{ extensions: { code: 'FORBIDDEN' } }] });
  });

  it('answers entity fetches (a union of entity types, nulls, nested field errors) as Apollo does', async () => {
    const contacts = JSON.parse((await post(seed.a, { query: PAGE, variables: { first: 1 } })).text).data.contacts.edges;
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      __typename ... on Contact { id lastName tags } ... on User { id leads(first: 1000) { totalCount } } } }`;
    const representations = [
      { __typename: 'Contact', id: contacts[0].node.id },
      { __typename: 'Contact', id: '00000000-0000-4000-8000-000000000000' },
      { __typename: 'User', id: seed.a.ownerId },
    ];
    const body = { query, variables: { representations } };
    const apollo = await post(seed.a, throughApollo(body));
    let fast: Answer | undefined;
    expect(await apolloCallsDuring(async () => (fast = await post(seed.a, body)))).toBe(0);
    expect({ ...fast, requestId: undefined }).toEqual({ ...apollo, requestId: undefined });
    expect(JSON.parse(fast!.text)).toEqual({
      errors: [expect.objectContaining({ path: ['_entities', 2, 'leads'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })],
      // User.leads is non-null: its error nulls the whole entity, as graphql-js propagates it.
      data: { _entities: [{ __typename: 'Contact', id: contacts[0].node.id, lastName: 'a-0', tags: [] }, null, null] },
    });
  });

  it('keeps each tenant to its own rows when both send the same query at the same instant', async () => {
    const body = { query: PAGE, variables: { first: 10 } };
    const answers = await Promise.all([...Array(20)].map((_, i) => post(i % 2 ? seed.b : seed.a, body).then((answer) => ({ tenant: i % 2 ? 'b' : 'a', answer }))));
    for (const { tenant, answer } of answers) {
      const page = JSON.parse(answer.text).data.contacts;
      expect(page.totalCount).toBe(3);
      expect(page.edges.map((e: { node: { lastName: string } }) => e.node.lastName)).toEqual([0, 1, 2].map((i) => `${tenant}-${i}`));
    }
  });

  it('runs a mutation once', async () => {
    const mutation = 'mutation Add($input: CreateContactInput!) { createContact(input: $input) { id email } }';
    const email = `fast-${Date.now()}@${seed.b.slug}.example`;
    const created = await post(seed.b, { query: mutation, variables: { input: { firstName: 'Fast', lastName: 'Path', email } } });
    expect(JSON.parse(created.text)).toMatchObject({ data: { createContact: { email } } });
    const again = await post(seed.b, { query: mutation, variables: { input: { firstName: 'Fast', lastName: 'Path', email } } });
    expect(JSON.parse(again.text)).toMatchObject({ data: null, errors: [{ extensions: { code: 'CONFLICT' } }] });
  });

  it('leaves to Apollo what is not the plain case, with Apollo\'s answers', async () => {
    // Variables that do not coerce: nothing ran, Apollo answers 400 BAD_USER_INPUT.
    const badVariables = { query: PAGE, variables: { first: 'ten' } };
    let answer: Answer | undefined;
    expect(await apolloCallsDuring(async () => (answer = await post(seed.a, badVariables)))).toBe(1);
    expect(answer?.status).toBe(400);
    expect(JSON.parse(answer!.text)).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    expect(JSON.parse(answer!.text).data).toBeUndefined();
    // A document that does not parse, or does not validate.
    const parseFailed = await post(seed.a, { query: '{ contacts(' });
    expect([parseFailed.status, JSON.parse(parseFailed.text).errors[0].extensions.code]).toEqual([400, 'GRAPHQL_PARSE_FAILED']);
    const invalid = await post(seed.a, { query: '{ contacts { nope } }' });
    expect([invalid.status, JSON.parse(invalid.text).errors[0].extensions.code]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
    // A client that prefers application/graphql-response+json gets it from Apollo.
    const preferring = await post(seed.a, { query: PAGE }, { accept: 'application/graphql-response+json' });
    expect(preferring.type).toBe('application/graphql-response+json; charset=utf-8');
    expect(JSON.parse(preferring.text).data.contacts.totalCount).toBe(3);
    // A body that is not a GraphQL request.
    const noQuery = await post(seed.a, { variables: {} });
    expect(noQuery.status).toBe(400);
  });

  it('answers what fails before GraphQL as the express chain did', async () => {
    const unsigned = await post(null, { query: PAGE });
    expect([unsigned.status, JSON.parse(unsigned.text).errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
    const malformed = await post(seed.a, '{"query": ');
    expect([malformed.status, JSON.parse(malformed.text).errors[0].extensions.code]).toEqual([400, 'BAD_REQUEST']);
    const tooLarge = await post(seed.a, { query: PAGE, variables: { padding: 'x'.repeat(2 * 1024 * 1024) } });
    expect([tooLarge.status, JSON.parse(tooLarge.text).errors[0].extensions.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    // Every answer carries the request id, the client's when sane.
    const echoed = await post(seed.a, { query: PAGE }, { 'x-request-id': 'fast-path-1' });
    expect(echoed.requestId).toBe('fast-path-1');
    expect(unsigned.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

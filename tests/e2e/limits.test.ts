// Request shape limits at the gateway (defaults: 5,000 tokens, 30 aliases, 50 directives, depth
// 12, cost 5,000 with list sizes from first/last): each refusal is QUERY_TOO_COMPLEX with the
// measured value and the limit in extensions, before any subgraph runs; bodies over 2 MiB are 413.
// Field suggestions are off when introspection is.
import { startGateway, type RunningGateway } from '@bacbos/gateway';
import { composeSupergraph } from '../../scripts/compose';
import { codeOf, contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let a: TestTenant;

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  a = await signUpTenant(url, 'Limits');
});
afterAll(() => platform.stop());

const extensionsOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions ?? {};

describe('tokens', () => {
  it('stops parsing a document of more than 5,000 tokens (20,000 @skip) with QUERY_TOO_COMPLEX', async () => {
    const huge = `{ me { id ${'@skip(if: false) '.repeat(20_000)} } }`;
    expect(huge.length).toBeGreaterThan(300_000);
    const res = await gql(url, huge, {}, a.headers);
    expect(codeOf(res)).toBe('QUERY_TOO_COMPLEX');
    expect(extensionsOf(res)).toMatchObject({ maxTokens: 5000 });
    // The refusal comes from graphql-js's lexer stopping at the 5,001st token (parse's maxTokens),
    // so the rest of the document is never parsed nor validated.
    expect(res.errors![0].message).toMatch(/5000 tokens/);
  });

  it('accepts exactly 5,000 tokens and refuses 5,001', async () => {
    // mutation { updateTenant ( input : { settings : { pad : [ ... ] } } ) { id } } is 21 tokens around the list.
    const doc = (tokens: number) => `mutation { updateTenant(input: { settings: { pad: [${Array(tokens - 21).fill(1).join(' ')}] } }) { id } }`;
    const over = await gql(url, doc(5_001), {}, a.headers);
    expect(extensionsOf(over)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxTokens: 5000 });
    const at = await gql(url, doc(5_000), {}, a.headers);
    expect(at.errors).toBeUndefined();
    expect(at.data!.updateTenant.id).toBe(a.tenantId);
  });
});

describe('aliases, directives and depth', () => {
  it('refuses 900 aliases and 31 aliases, accepts 30 (aliases of __typename count too)', async () => {
    const aliases = (n: number) => `{ ${[...Array(n).keys()].map((i) => `a${i}: __typename`).join(' ')} }`;
    const many = await gql(url, aliases(900), {}, a.headers);
    expect(codeOf(many)).toBe('QUERY_TOO_COMPLEX');
    expect(extensionsOf(many)).toMatchObject({ aliases: 900, maxAliases: 30 });
    expect(extensionsOf(await gql(url, aliases(31), {}, a.headers))).toMatchObject({ code: 'QUERY_TOO_COMPLEX', aliases: 31, maxAliases: 30 });
    expect((await gql(url, aliases(30), {}, a.headers)).errors).toBeUndefined();
  });

  it('counts aliases through fragments', async () => {
    const fragment = `fragment F on User { ${[...Array(16).keys()].map((i) => `f${i}: id`).join(' ')} }`;
    const res = await gql(url, `{ me { ...F } users { edges { node { ...F } } } } ${fragment}`, {}, a.headers);
    expect(extensionsOf(res)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', aliases: 32, maxAliases: 30 });
  });

  it('refuses 51 directives, accepts 50', async () => {
    const spreads = (n: number) => `{ me { ${'... on User @include(if: true) { id } '.repeat(n)} } }`;
    const res = await gql(url, spreads(51), {}, a.headers);
    expect(codeOf(res)).toBe('QUERY_TOO_COMPLEX');
    expect(extensionsOf(res)).toMatchObject({ directives: 51, maxDirectives: 50 });
    expect((await gql(url, spreads(50), {}, a.headers)).data?.me.id).toBe(a.userId);
  });

  it('refuses depth 13, accepts depth 12', async () => {
    // me(1) > leads(2) > edges(3) > node(4) > contact(5) > leads(6) > contact(7) > leads(8) > contact(9) > leads(10) > contact(11) > id(12)
    const twelve = '{ me { leads { edges { node { contact { leads { contact { leads { contact { leads { contact { id } } } } } } } } } } } }';
    const deep = twelve.replace('contact { id }', 'contact { leads { id } }');
    const res = await gql(url, deep, {}, a.headers);
    expect(codeOf(res)).toBe('QUERY_TOO_COMPLEX');
    expect(extensionsOf(res)).toMatchObject({ depth: 13, maxDepth: 12 });
    expect((await gql(url, twelve, {}, a.headers)).errors).toBeUndefined();
  });
});

describe('cost', () => {
  const nested = 'query Nested($n: Int) { documents(first: $n) { edges { node { id title versions(first: $n) { edges { node { id version } } } } } } }';

  it('multiplies by the list sizes the variables ask for, and carries cost and maxCost', async () => {
    const big = await gql(url, nested, { n: 100 }, a.headers);
    expect(codeOf(big)).toBe('QUERY_TOO_COMPLEX');
    const ext = extensionsOf(big);
    expect(ext.maxCost).toBe(5000);
    expect(ext.cost).toBeGreaterThan(5000);
    expect((await gql(url, nested, { n: 5 }, a.headers)).errors).toBeUndefined();
  });

  it('counts a list without first as the default page of 20', async () => {
    const res = await gql(url, nested.replace('($n: Int)', '').replace(/\(first: \$n\)/g, ''), {}, a.headers);
    // 20 documents x (4 + 20 versions x 4) = 1,700ish: under the limit; with first: 100 on both it is not.
    expect(res.errors).toBeUndefined();
    const literal = await gql(url, nested.replace('($n: Int)', '').replace(/\$n/g, '100'), {}, a.headers);
    expect(extensionsOf(literal)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: (extensionsOf(await gql(url, nested, { n: 100 }, a.headers)) as { cost: number }).cost });
  });

  it('leaves a list size that is not an int to variable coercion (BAD_USER_INPUT, not a 500)', async () => {
    for (const body of ['{"query":"query($n: Int) { users(first: $n) { totalCount } }","variables":{"n":1e999}}', '{"query":"query($n: Int) { users(first: $n) { totalCount } }","variables":{"n":"x"}}']) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...a.headers }, body });
      expect(res.status).toBeLessThan(500);
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('lets every contract operation through at the largest page size', async () => {
    const users = await gql(url, op('platform', 'Users'), { first: 100 }, a.headers);
    expect(users.errors).toBeUndefined();
    const contacts = await gql(url, op('crm', 'Contacts'), { first: 100 }, a.headers);
    expect(contacts.errors).toBeUndefined();
  });
});

describe('the request body', () => {
  it('refuses a body over 2 MiB with 413 and a JSON error', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...a.headers },
      body: JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(3 * 1024 * 1024) } }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/json/);
    const body = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0].extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(JSON.stringify(body)).toContain(String(2 * 1024 * 1024));
  });
});

describe('field suggestions', () => {
  let closed: RunningGateway;

  beforeAll(async () => {
    process.env.INTROSPECTION = 'false';
    try {
      closed = await startGateway({
        supergraphSdl: composeSupergraph().supergraph,
        subgraphUrls: Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])),
        internalContextSecret: process.env.INTERNAL_CONTEXT_SECRET as string,
        accessTokenSecret: process.env.ACCESS_TOKEN_SECRET as string,
        port: 0,
      });
    } finally {
      delete process.env.INTROSPECTION;
    }
  });
  afterAll(() => closed.stop());

  it('suggests field names only where introspection is allowed', async () => {
    const typo = '{ contact(id: "00000000-0000-0000-0000-000000000000") { id } contactz { totalCount } }';
    const open = await gql(url, typo, {});
    expect(open.errors![0].message).toMatch(/Did you mean/);
    const anonymous = await gql(closed.url, typo, {});
    expect(codeOf(anonymous)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(anonymous.errors![0].message).toBe('Cannot query field "contactz" on type "Query".');
    const signedIn = await gql(closed.url, typo, {}, a.headers);
    expect(JSON.stringify(signedIn.errors)).not.toMatch(/Did you mean|contacts/);
    expect(codeOf(await gql(closed.url, '{ __schema { types { name } } }', {}))).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

// GATEWAY_EXECUTOR=compiled answers exactly as @apollo/gateway's executor does: two gateways over
// the same two subgraphs, one per executor, get the same documents and must give byte-identical
// answers (status, data, errors with their paths and codes, extensions), including the federation
// cases the compiled plan runner and shaper re-implement: entity fetches over lists, an error inside
// an entity fetch with its path, aliases, named and inline fragments on interfaces
// and unions, __typename at the root and on abstract types, @skip/@include by variable and default
// value, an @inaccessible enum value nulled by the shaping, bad variables, a mutation. The compiled
// path must really run (bacbos_gateway_executions_total{executor="compiled"}), and introspection
// must go to Apollo's executor (reason "introspection").
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { GraphQLError, parse } from 'graphql';
import { gatewayExecutions } from '@bacbos/common';
import { startGateway, type RunningGateway } from '@bacbos/gateway';

const catalogSdl = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@inaccessible"])
  interface Node { id: ID! }
  enum Status { ACTIVE RETIRED SECRET @inaccessible }
  type Product implements Node @key(fields: "id") { id: ID! name: String! price: Float status: Status owner: User tags: [String!]! }
  type Article implements Node { id: ID! title: String }
  union SearchResult = Product | Article
  type User @key(fields: "id", resolvable: false) { id: ID! }
  type Query { products: [Product!]! product(id: ID!): Product node(id: ID!): Node search(term: String = "a"): [SearchResult!]! }
  type Mutation { rename(id: ID!, name: String!): Product }
`);
/** A subgraph nobody serves (its URL refuses connections): the outage answer, through either executor. */
const goneSdl = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { gone: String }
`);
const peopleSdl = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type User @key(fields: "id") { id: ID! name: String! email: String }
`);

const products = [
  { id: 'p1', name: 'Lamp', price: 12.5, status: 'ACTIVE', ownerId: 'u1', tags: ['home'] },
  { id: 'p2', name: 'Desk', price: null, status: 'SECRET', ownerId: 'u2', tags: [] },
  { id: 'p3', name: 'Chair', price: 40, status: 'RETIRED', ownerId: 'u1', tags: ['home', 'office'] },
  { id: 'p4', name: 'Shelf', price: 8, status: null, ownerId: null, tags: [] },
];
/** Not listed by `products`; its owner's reference fails. */
const unlisted = { id: 'p5', name: 'Stool', price: 3, status: 'ACTIVE', ownerId: 'u3', tags: [] };
const articles = [{ id: 'a1', title: 'About lamps' }];
const users: Record<string, { id: string; name: string; email: string | null }> = {
  u1: { id: 'u1', name: 'Ada', email: 'ada@example.test' },
  u2: { id: 'u2', name: 'Bob', email: null },
};

const catalog = new ApolloServer({
  plugins: [ApolloServerPluginInlineTraceDisabled()],
  schema: buildSubgraphSchema({
    typeDefs: catalogSdl,
    resolvers: {
      Query: {
        products: () => products,
        product: (_: unknown, { id }: { id: string }) => [...products, unlisted].find((p) => p.id === id) ?? null,
        node: (_: unknown, { id }: { id: string }) => products.find((p) => p.id === id) ?? articles.find((a) => a.id === id) ?? null,
        search: () => [products[0], articles[0], products[2]],
      },
      Mutation: {
        rename: (_: unknown, { id, name }: { id: string; name: string }) => {
          const product = products.find((p) => p.id === id);
          return product ? { ...product, name } : null;
        },
      },
      Node: { __resolveType: (value: { title?: string }) => (value.title !== undefined ? 'Article' : 'Product') },
      SearchResult: { __resolveType: (value: { title?: string }) => (value.title !== undefined ? 'Article' : 'Product') },
      Product: {
        __resolveReference: (ref: { id: string }) => products.find((p) => p.id === ref.id),
        owner: (product: { ownerId: string | null }) => (product.ownerId ? { id: product.ownerId } : null),
      },
    } as never,
  }),
});
const people = new ApolloServer({
  plugins: [ApolloServerPluginInlineTraceDisabled()],
  schema: buildSubgraphSchema({
    typeDefs: peopleSdl,
    resolvers: {
      User: {
        __resolveReference: (ref: { id: string }) => {
          // u3's whole reference fails inside the entity fetch.
          if (ref.id === 'u3') throw new GraphQLError('user u3 is not available', { extensions: { code: 'BAD_USER_INPUT' } });
          return users[ref.id] ?? null;
        },
        // u2's email fails: its error's path (_entities, 1, email) must become the product's owner's in the answer.
        email: (user: { id: string; email: string | null }) => {
          if (user.id === 'u2') throw new GraphQLError('no email for u2', { extensions: { code: 'FORBIDDEN' } });
          return user.email;
        },
      },
    } as never,
  }),
});

const gateways: Record<'apollo' | 'compiled', RunningGateway | undefined> = { apollo: undefined, compiled: undefined };

beforeAll(async () => {
  const catalogUrl = (await startStandaloneServer(catalog, { listen: { port: 0, host: '127.0.0.1' } })).url;
  const peopleUrl = (await startStandaloneServer(people, { listen: { port: 0, host: '127.0.0.1' } })).url;
  const composed = composeServices([
    { name: 'catalog', url: catalogUrl, typeDefs: catalogSdl }, { name: 'people', url: peopleUrl, typeDefs: peopleSdl }, { name: 'gone', url: 'http://127.0.0.1:9/graphql', typeDefs: goneSdl },
  ]);
  if (composed.errors) throw composed.errors[0];
  const before = process.env.GATEWAY_EXECUTOR;
  try {
    for (const executor of ['apollo', 'compiled'] as const) {
      process.env.GATEWAY_EXECUTOR = executor; // read once, when the gateway starts
      gateways[executor] = await startGateway({
        supergraphSdl: composed.supergraphSdl, port: 0,
        internalContextSecret: process.env.INTERNAL_CONTEXT_SECRET as string, accessTokenSecret: process.env.ACCESS_TOKEN_SECRET as string,
      });
    }
  } finally {
    if (before === undefined) delete process.env.GATEWAY_EXECUTOR;
    else process.env.GATEWAY_EXECUTOR = before;
  }
});
afterAll(async () => {
  await Promise.all(Object.values(gateways).map((g) => g?.stop()));
  await Promise.all([catalog.stop(), people.stop()]);
});

async function post(gateway: RunningGateway, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

const executions = async (executor: string, reason = '') =>
  (await gatewayExecutions.get()).values.find((v) => v.labels.executor === executor && (v.labels.reason ?? '') === reason)?.value ?? 0;

const CASES: { name: string; query: string; variables?: Record<string, unknown>; expect: (body: { data?: unknown; errors?: unknown[]; extensions?: unknown }) => void }[] = [
  {
    name: "an entity fetch over a list, a null owner, and a field error inside the entity fetch at the client's path",
    query: '{ products { id name price owner { id name email } } }',
    expect: (body) => {
      expect(body.errors).toEqual([expect.objectContaining({ message: 'no email for u2', path: ['products', 1, 'owner', 'email'], extensions: { code: 'FORBIDDEN', serviceName: 'people' } })]);
      expect((body.data as { products: { owner: unknown }[] }).products.map((p) => p.owner)).toEqual([
        { id: 'u1', name: 'Ada', email: 'ada@example.test' }, { id: 'u2', name: 'Bob', email: null }, { id: 'u1', name: 'Ada', email: 'ada@example.test' }, null,
      ]);
    },
  },
  {
    name: 'an entity fetch that fails whole: a non-null field of the owner missing, nulled up to the owner',
    query: '{ product(id: "p5") { id owner { id name } } }',
    expect: (body) => {
      expect(body.errors).toEqual([expect.objectContaining({ message: 'user u3 is not available', extensions: { code: 'BAD_USER_INPUT', serviceName: 'people' } })]);
      expect(body.data).toEqual({ product: { id: 'p5', owner: null } });
    },
  },
  {
    name: 'aliases, a named fragment, __typename at the root and nested',
    query: 'query Aliased { t: __typename first: product(id: "p1") { ...Card kind: __typename } missing: product(id: "nope") { id } } fragment Card on Product { label: name cost: price tags }',
    expect: (body) => expect(body.data).toEqual({ t: 'Query', first: { label: 'Lamp', cost: 12.5, tags: ['home'], kind: 'Product' }, missing: null }),
  },
  {
    name: 'a union with inline and named fragments, and __typename on it',
    query: 'query Search($term: String) { search(term: $term) { __typename ... on Product { id owner { name } } ...A } } fragment A on Article { id title }',
    variables: { term: 'lamp' },
    expect: (body) => expect((body.data as { search: { __typename: string }[] }).search.map((s) => s.__typename)).toEqual(['Product', 'Article', 'Product']),
  },
  {
    name: 'an interface field with a type condition',
    query: 'query N($id: ID!) { node(id: $id) { id ... on Product { name status } ... on Node { __typename } } }',
    variables: { id: 'p3' },
    expect: (body) => expect(body.data).toEqual({ node: { id: 'p3', name: 'Chair', status: 'RETIRED', __typename: 'Product' } }),
  },
  {
    name: '@skip and @include by variable, with a default value',
    query: 'query S($withOwner: Boolean = true, $noPrice: Boolean!) { products { id price @skip(if: $noPrice) owner @include(if: $withOwner) { id } } }',
    variables: { noPrice: true },
    expect: (body) => expect((body.data as { products: Record<string, unknown>[] }).products[0]).toEqual({ id: 'p1', owner: { id: 'u1' } }),
  },
  {
    name: 'an @inaccessible enum value from a subgraph: nulled, with a value-completion note',
    query: '{ products { id status } }',
    expect: (body) => {
      expect((body.data as { products: { status: unknown }[] }).products[1].status).toBeNull();
      expect(body.extensions).toEqual({ valueCompletion: [expect.objectContaining({ message: 'Invalid value found for field Product.status.' })] });
    },
  },
  {
    name: 'a subgraph that cannot be reached: the retryable outage error, the other fields served',
    query: '{ gone product(id: "p1") { name } }',
    expect: (body) => {
      expect(body.data).toEqual({ gone: null, product: { name: 'Lamp' } });
      expect(body.errors).toHaveLength(1);
    },
  },
  {
    name: 'a variable of the wrong type',
    query: 'query P($id: ID!) { product(id: $id) { id } }',
    variables: { id: { not: 'an id' } },
    expect: (body) => expect(body.errors).toHaveLength(1),
  },
  {
    name: 'a mutation, then an entity fetch on its answer',
    query: 'mutation R($name: String!) { rename(id: "p1", name: $name) { id name owner { name } } }',
    variables: { name: 'Big lamp' },
    expect: (body) => expect(body.data).toEqual({ rename: { id: 'p1', name: 'Big lamp', owner: { name: 'Ada' } } }),
  },
];

it.each(CASES.map((c) => [c.name, c] as const))('%s: the same answer from both executors, run by the compiled one', async (_name, c) => {
  const body = { query: c.query, variables: c.variables };
  const apollo = await post(gateways.apollo as RunningGateway, body);
  const compiledBefore = await executions('compiled');
  // The first request plans the document (as Apollo would), the second finds it compiled: both run compiled.
  for (let i = 0; i < 2; i += 1) {
    const compiled = await post(gateways.compiled as RunningGateway, body);
    expect(compiled).toEqual(apollo);
    c.expect(JSON.parse(compiled.text));
  }
  expect(await executions('compiled')).toBe(compiledBefore + 2);
});

it("leaves introspection to Apollo's executor, with the same answer", async () => {
  const body = { query: '{ __schema { queryType { name } } product(id: "p2") { name } }' };
  const apollo = await post(gateways.apollo as RunningGateway, body);
  const before = await executions('apollo', 'introspection');
  const compiled = await post(gateways.compiled as RunningGateway, body);
  expect(compiled).toEqual(apollo);
  expect(JSON.parse(compiled.text)).toEqual({ data: { __schema: { queryType: { name: 'Query' } }, product: { name: 'Desk' } } });
  expect(await executions('apollo', 'introspection')).toBe(before + 1);
  expect(await executions('apollo', 'not planned')).toBe(0);
});

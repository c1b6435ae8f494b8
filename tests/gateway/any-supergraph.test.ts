// The gateway serves any supergraph, not only ours (the federation audit runs it over 46 foreign
// ones: npm run audit:federation). Without our platform subgraph it accepts no credentials (it has
// nowhere to check them) and without identity it has no /oauth/token; anonymous queries are planned
// and served as usual.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { issueAccessToken } from '@bacbos/common';
import { startGateway, type RunningGateway } from '@bacbos/gateway';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { books: [Book!]! }
  type Book @key(fields: "id") { id: ID! title: String! }
`);
const books = [{ id: '1', title: 'Dune' }, { id: '2', title: 'Emma' }];

let library: ApolloServer;
let gateway: RunningGateway;

beforeAll(async () => {
  library = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs, resolvers: { Query: { books: () => books } } }), plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const { url } = await startStandaloneServer(library, { listen: { port: 0, host: '127.0.0.1' } });
  const composed = composeServices([{ name: 'library', url, typeDefs }]);
  if (composed.errors) throw composed.errors[0];
  gateway = await startGateway({
    supergraphSdl: composed.supergraphSdl,
    internalContextSecret: process.env.INTERNAL_CONTEXT_SECRET as string,
    accessTokenSecret: process.env.ACCESS_TOKEN_SECRET as string,
    port: 0,
  });
});
afterAll(async () => {
  await gateway?.stop();
  await library?.stop();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

it('serves a supergraph without our subgraphs to anonymous callers', async () => {
  const res = await post({ query: '{ books { id title } }' });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ data: { books } });
});

it('refuses a credential it cannot check, with a contract code', async () => {
  const { token } = await issueAccessToken({
    tenantId: '6f1c1f0e-0000-4000-8000-000000000001', userId: '6f1c1f0e-0000-4000-8000-000000000002', sessionId: '6f1c1f0e-0000-4000-8000-000000000003', permissions: [], modules: [],
  }, process.env.ACCESS_TOKEN_SECRET as string);
  const res = await post({ query: '{ books { id } }' }, { authorization: `Bearer ${token}` });
  const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
  expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  expect(body.errors[0].message).toMatch(/accepts no such credential/);
});

it('has no token endpoint without the identity subgraph', async () => {
  const res = await fetch(gateway.url.replace('/graphql', '/oauth/token'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/json/);
});

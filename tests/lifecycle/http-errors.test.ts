// Every HTTP failure is a JSON GraphQL error with a contract code, whatever NODE_ENV is: never
// express's HTML page, never a stack or a file path. Through the real gateway, and on a subgraph.
import { CONTEXT_HEADER, anonymousCaller, signCallerIdentity } from '@bacbos/common';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

interface Case {
  name: string;
  request: (url: string) => Promise<Response>;
  status: number;
  code: string;
}

const json = { 'content-type': 'application/json' };
const cases: Case[] = [
  { name: 'malformed JSON body', request: (url) => fetch(url, { method: 'POST', headers: json, body: '{"query": "{ __typename }"' }), status: 400, code: 'BAD_REQUEST' },
  { name: 'body over the 2 MB limit', request: (url) => fetch(url, { method: 'POST', headers: json, body: JSON.stringify({ query: `{ __typename } #${'x'.repeat(2_200_000)}` }) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'unknown route', request: (url) => fetch(url.replace(/\/graphql$/, '/no/such/route'), { headers: { accept: 'text/html' } }), status: 404, code: 'NOT_FOUND' },
  { name: 'unknown route, POST', request: (url) => fetch(url.replace(/\/graphql$/, '/graphqlx'), { method: 'POST', headers: json, body: '{}' }), status: 404, code: 'NOT_FOUND' },
  { name: 'unsupported body encoding', request: (url) => fetch(url, { method: 'POST', headers: { ...json, 'content-encoding': 'x-unknown' }, body: '{}' }), status: 415, code: 'BAD_REQUEST' },
];

async function expectJsonError(response: Response, status: number, code: string): Promise<void> {
  const text = await response.text();
  expect({ status: response.status, type: response.headers.get('content-type') }).toEqual({ status, type: expect.stringMatching(/^application\/json/) });
  expect(JSON.parse(text)).toEqual({ errors: [{ message: expect.any(String), extensions: { code } }] });
  expect(text).not.toMatch(/<html|<pre|\bat .+:\d+:\d+|node_modules|\/work\/|\/home\/|\/root\//i);
}

describe.each([
  ['unset', undefined],
  ['development', 'development'],
])('NODE_ENV %s', (_label, nodeEnv) => {
  let platform: RunningPlatform;
  const saved = process.env.NODE_ENV;

  beforeAll(async () => {
    // express reads NODE_ENV when an app is created: the platform is started under it.
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    platform = await startPlatform();
  });

  afterAll(async () => {
    process.env.NODE_ENV = saved;
    await platform?.stop();
  });

  test.each(cases)('gateway: $name → $status $code', async ({ request, status, code }) => {
    await expectJsonError(await request(platform.gatewayUrl), status, code);
  });

  test('subgraph: unknown route, and a malformed body from the gateway', async () => {
    const crm = platform.subgraphs.find((s) => s.name === 'crm')!.url;
    await expectJsonError(await fetch(crm.replace(/\/graphql$/, '/nope')), 404, 'NOT_FOUND');
    const signed = await signCallerIdentity(anonymousCaller({ ipAddress: null, userAgent: null }), process.env.INTERNAL_CONTEXT_SECRET!);
    const response = await fetch(crm, { method: 'POST', headers: { ...json, [CONTEXT_HEADER]: signed }, body: '{"query": ' });
    await expectJsonError(response, 400, 'BAD_REQUEST');
  });
});

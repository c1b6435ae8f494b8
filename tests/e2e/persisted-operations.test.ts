// Persisted operations: the manifest is generated from the client contract and current; its hashes
// run without the text; automatic persisted queries live in Redis, shared by every gateway; with
// PERSISTED_OPERATIONS=required only the manifest runs (PERSISTED_QUERY_REQUIRED otherwise).
import WebSocket from 'ws';
import { persistedQueryHash as sha256, startGateway, type RunningGateway } from '@bacbos/gateway';
import { composeSupergraph } from '../../scripts/compose';
import { buildManifest, manifestIsCurrent } from '../../scripts/persisted-operations';
import { codeOf, type GraphQLResponse, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { wsUrl } from '../subscriptions/helpers';

let platform: RunningPlatform;
let a: TestTenant;
const manifest = buildManifest();
const idOf = (name: string) => manifest.operations.find((o) => o.name === name)!.id;

async function post(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { ...((await res.json()) as GraphQLResponse), status: res.status };
}
const byHash = (hash: string) => ({ version: 1, sha256Hash: hash });

function startSecondGateway(): Promise<RunningGateway> {
  return startGateway({
    supergraphSdl: composeSupergraph().supergraph,
    subgraphUrls: Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])),
    internalContextSecret: process.env.INTERNAL_CONTEXT_SECRET as string,
    accessTokenSecret: process.env.ACCESS_TOKEN_SECRET as string,
    port: 0,
    bus: platform.bus,
  });
}

beforeAll(async () => {
  platform = await startPlatform();
  a = await signUpTenant(platform.gatewayUrl, 'Persisted');
});
afterAll(() => platform.stop());

it('the committed manifest is current and holds every contract operation (npm run persisted)', () => {
  expect(manifestIsCurrent()).toBe(true);
  expect(manifest.operations.length).toBeGreaterThan(70);
  for (const o of manifest.operations) expect(o.id).toBe(sha256(o.body));
  expect(manifest.operations.map((o) => o.name)).toEqual(expect.arrayContaining(['SignUp', 'LogIn', 'Contacts', 'ContactEvents']));
});

describe('PERSISTED_OPERATIONS=optional (the default)', () => {
  it('runs a manifest hash without its text', async () => {
    const res = await post(platform.gatewayUrl, { extensions: { persistedQuery: byHash(idOf('Me')) } }, a.headers);
    expect(res.errors).toBeUndefined();
    expect(res.data!.me.id).toBe(a.userId);
  });

  it('keeps automatic persisted queries in Redis, shared by every gateway instance', async () => {
    const query = `{ me { id email } } # ${Math.random()}`;
    const hash = sha256(query);
    expect(codeOf(await post(platform.gatewayUrl, { extensions: { persistedQuery: byHash(hash) } }, a.headers))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(platform.gatewayUrl, { query, extensions: { persistedQuery: byHash(hash) } }, a.headers)).data!.me.id).toBe(a.userId);
    const second = await startSecondGateway();
    try {
      const res = await post(second.url, { extensions: { persistedQuery: byHash(hash) } }, a.headers);
      expect(res.errors).toBeUndefined();
      expect(res.data!.me.email).toBe(a.email);
    } finally {
      await second.stop();
    }
  });
});

describe('PERSISTED_OPERATIONS=required', () => {
  let strict: RunningGateway;
  beforeAll(async () => {
    process.env.PERSISTED_OPERATIONS = 'required';
    try {
      strict = await startSecondGateway();
    } finally {
      delete process.env.PERSISTED_OPERATIONS;
    }
  });
  afterAll(() => strict.stop());

  it('refuses an ad-hoc document, by POST and GET, and an APQ registration, with PERSISTED_QUERY_REQUIRED', async () => {
    const adHoc = await post(strict.url, { query: '{ me { id } }' }, a.headers);
    expect(adHoc.status).toBe(400);
    expect(codeOf(adHoc)).toBe('PERSISTED_QUERY_REQUIRED');
    const get = await fetch(`${strict.url}?query=${encodeURIComponent('{ me { id } }')}`, { headers: { accept: 'application/json', ...a.headers } });
    expect(((await get.json()) as GraphQLResponse).errors![0].extensions!.code).toBe('PERSISTED_QUERY_REQUIRED');
    const query = '{ me { email } }';
    expect(codeOf(await post(strict.url, { query, extensions: { persistedQuery: byHash(sha256(query)) } }, a.headers))).toBe('PERSISTED_QUERY_REQUIRED');
    expect(codeOf(await post(strict.url, { extensions: { persistedQuery: byHash(sha256(query)) } }, a.headers))).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('runs the manifest\'s operations, by hash or by their exact text', async () => {
    const res = await post(strict.url, { extensions: { persistedQuery: byHash(idOf('Contacts')) }, variables: { first: 5 } }, a.headers);
    expect(res.errors).toBeUndefined();
    expect(res.data!.contacts.totalCount).toBe(0);
    const body = manifest.operations.find((o) => o.name === 'Me')!.body;
    expect((await post(strict.url, { query: body }, a.headers)).data!.me.id).toBe(a.userId);
    const login = await post(strict.url, { extensions: { persistedQuery: byHash(idOf('LogIn')) }, variables: { input: { tenantSlug: a.slug, email: a.email, password: a.password } } });
    expect(login.data!.logIn.user.id).toBe(a.userId);
  });

  it('subscribes over the WebSocket to manifest operations only', async () => {
    const socket = new WebSocket(wsUrl(strict.url), 'graphql-transport-ws');
    const messages: any[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    const until = async (found: () => any) => { for (;;) { const m = found(); if (m) return m; await new Promise((r) => setTimeout(r, 10)); } };
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${a.accessToken}` } }));
    await until(() => messages.find((m) => m.type === 'connection_ack'));
    socket.send(JSON.stringify({ id: 'adhoc', type: 'subscribe', payload: { query: 'subscription { contactEvents { type } }' } }));
    const refused = await until(() => messages.find((m) => m.id === 'adhoc' && m.type === 'error'));
    expect(refused.payload[0].extensions.code).toBe('PERSISTED_QUERY_REQUIRED');
    socket.send(JSON.stringify({ id: 'ok', type: 'subscribe', payload: { query: manifest.operations.find((o) => o.name === 'ContactEvents')!.body } }));
    socket.send(JSON.stringify({ type: 'ping' }));
    await until(() => messages.find((m) => m.type === 'pong'));
    expect(messages.find((m) => m.id === 'ok')).toBeUndefined(); // subscribed: no error, no complete
    socket.close(1000);
  });
});

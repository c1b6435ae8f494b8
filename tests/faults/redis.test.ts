// Redis down under a running platform (README, "Faults"): the gateway cannot check revocations,
// tenant state or API-key rate limits, so every credentialed request fails closed, fast, with the
// contract's INTERNAL_SERVER_ERROR marked `unavailable` (HTTP 503, Retry-After), never a stack and
// never an answer that skipped the checks; log-in (throttled in Redis) fails the same way; a
// WebSocket is closed with 1013 (try again later), not 4403. When Redis returns (empty: no
// persistence) service resumes without a restart, revocations made afterwards hold on every
// request, rate limits count again and each tenant sees only its own data. And revocations made
// before Redis was emptied (a restart without persistence, a FLUSHALL) still hold: the gateway asks
// the owning subgraph (Postgres) for a session or OAuth client it finds no entry for.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { UNAVAILABLE_MESSAGE } from '@bacbos/common';
import { bearer, codeOf, contractOperation as op, gql, ok, signUpTenant, type GraphQLResponse, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { STACK_LINE } from '../helpers/process';
import { subscribe } from '../subscriptions/helpers';
import { PrivateRedis } from './private-services';

jest.setTimeout(120_000);

let redis: PrivateRedis;
let platform: RunningPlatform;
let url: string;
let a: TestTenant;
let b: TestTenant;
let apiKey: string;

const ME = '{ me { email } }';
const CONTACTS = '{ contacts(first: 50) { totalCount edges { node { email } } } }';

beforeAll(async () => {
  redis = await PrivateRedis.start();
  process.env.REDIS_URL = redis.url;
  delete process.env.KAFKA_BROKERS; // the in-process bus: this test is about Redis
  platform = await startPlatform();
  url = platform.gatewayUrl;
  [a, b] = await Promise.all([signUpTenant(url, 'Redis A'), signUpTenant(url, 'Redis B')]);
  await ok(gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Only', lastName: 'A', email: `a-${randomUUID()}@a.example` } }, a.headers), 'createContact');
  await ok(gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Only', lastName: 'B', email: `b-${randomUUID()}@b.example` } }, b.headers), 'createContact');
  const key = await ok<{ secret: string }>(gql(url, op('platform', 'CreateApiKey'), { input: { name: 'faults', scopes: ['crm:read'], rateLimit: 5 } }, a.headers), 'createApiKey');
  apiKey = key.secret;
});

afterAll(async () => {
  await platform?.stop();
  await redis?.destroy();
});

/** The outage answer: one error, the contract's code, the fixed message, no data, no stack. */
function expectUnavailable(res: GraphQLResponse): void {
  expect(res.errors).toHaveLength(1);
  const [error] = res.errors!;
  expect(error.extensions).toEqual(expect.objectContaining({ code: 'INTERNAL_SERVER_ERROR', unavailable: true, retryAfter: 2 }));
  expect(error.message).toBe(UNAVAILABLE_MESSAGE);
  expect(JSON.stringify(res)).not.toMatch(STACK_LINE);
  expect(JSON.stringify(res)).not.toMatch(/redis|127\.0\.0\.1|ECONN/i);
  expect(res.data ?? null).toBeNull();
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - started };
}

test('Redis down: credentialed requests, API keys, log-in and WebSockets fail closed within ~1 s; service resumes by itself when Redis returns', async () => {
  expect((await gql(url, ME, {}, a.headers)).data?.me.email).toBe(a.email);
  const second = await ok<{ accessToken: string }>(gql(url, op('identity', 'LogIn'), { input: { tenantSlug: a.slug, email: a.email, password: a.password } }), 'logIn');

  await redis.kill();
  const down = Date.now();

  // A user's token: the revocation list cannot be read, so the request is refused.
  const asUser = await timed(() => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...a.headers }, body: JSON.stringify({ query: ME }) }));
  expect(asUser.value.status).toBe(503);
  expect(asUser.value.headers.get('retry-after')).toBe('2');
  expect(asUser.value.headers.get('content-type')).toMatch(/json/);
  expectUnavailable((await asUser.value.json()) as GraphQLResponse);
  expect(asUser.ms).toBeLessThan(3_000);

  // An API key: its rate limit cannot be counted, so it is not served unlimited.
  const asKey = await timed(() => gql(url, CONTACTS, {}, { 'x-api-key': apiKey }));
  expect(asKey.value.status).toBe(503);
  expectUnavailable(asKey.value);
  expect(asKey.ms).toBeLessThan(3_000);

  // Log-in is throttled per account in Redis: without it, no unthrottled password guessing.
  const login = await gql(url, op('identity', 'LogIn'), { input: { tenantSlug: a.slug, email: a.email, password: a.password } });
  expectUnavailable(login);

  // A WebSocket: 1013 "try again later" (clients retry), not 4403 (their credential is fine).
  const socket = await subscribe(url, a.accessToken, op('crm', 'ContactEvents')).catch((error: Error) => error);
  expect(socket).toBeInstanceOf(Error);
  expect((socket as Error).message).toBe('closed 1013');

  const ready = await fetch(url.replace(/\/graphql$/, '/health/ready'));
  expect(ready.status).toBe(503);
  expect(((await ready.json()) as { failing: string[] }).failing).toContain('redis');

  // Unauthenticated public operations that do not need Redis still work (sign-up).
  const failedFor = Date.now() - down;

  await redis.up(); // empty: no persistence
  const back = Date.now();
  let recoveredMs = 0;
  for (;;) {
    const res = await gql(url, ME, {}, a.headers);
    if (!res.errors) {
      expect(res.data?.me.email).toBe(a.email);
      recoveredMs = Date.now() - back;
      break;
    }
    expectUnavailable(res); // nothing else while it comes back
    if (Date.now() - back > 10_000) throw new Error('no recovery within 10 s of Redis returning');
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(recoveredMs).toBeLessThan(5_000);

  // A revocation after the outage holds at once; the other session is untouched.
  await ok(gql(url, op('identity', 'LogOut'), {}, bearer(second.accessToken)), 'logOut');
  const revoked = await gql(url, ME, {}, bearer(second.accessToken));
  expect(revoked.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  expect((await gql(url, ME, {}, a.headers)).data?.me.email).toBe(a.email);

  // Tenant state was refilled per tenant: each sees its own contacts only.
  const seenByA = (await gql(url, CONTACTS, {}, a.headers)).data!.contacts;
  const seenByB = (await gql(url, CONTACTS, {}, b.headers)).data!.contacts;
  expect(seenByA.edges.map((e: { node: { email: string } }) => e.node.email)).toEqual([expect.stringMatching(/@a\.example$/)]);
  expect(seenByB.edges.map((e: { node: { email: string } }) => e.node.email)).toEqual([expect.stringMatching(/@b\.example$/)]);

  // The API key's rate limit counts again (5 a minute; the window restarted with the empty Redis).
  const codes: (string | undefined)[] = [];
  for (let n = 0; n < 6; n += 1) codes.push((await gql(url, CONTACTS, {}, { 'x-api-key': apiKey })).errors?.[0].extensions?.code);
  expect(codes).toEqual([undefined, undefined, undefined, undefined, undefined, 'RATE_LIMITED']);

  process.stdout.write(`faults/redis: requests failed closed for the ${failedFor} ms Redis was down (each answered in ${asUser.ms} ms); served again ${recoveredMs} ms after it returned\n`);
});

test('revocations survive an emptied Redis (restart without persistence, FLUSHALL): revoked sessions and OAuth clients stay refused', async () => {
  const logIn = () => ok<{ accessToken: string }>(gql(url, op('identity', 'LogIn'), { input: { tenantSlug: a.slug, email: a.email, password: a.password } }), 'logIn');
  const [revoked, kept] = [await logIn(), await logIn()];
  await ok(gql(url, op('identity', 'LogOut'), {}, bearer(revoked.accessToken)), 'logOut');
  const client = await ok<{ id: string; clientId: string; clientSecret: string }>(gql(url, op('identity', 'CreateOAuthClient'), { input: { name: 'Flush', scopes: ['crm:read'] } }, a.headers), 'createOAuthClient');
  const tokenRes = await fetch(`${new URL(url).origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  const clientToken = ((await tokenRes.json()) as { access_token: string }).access_token;
  expect((await gql(url, CONTACTS, {}, bearer(clientToken))).errors).toBeUndefined();
  await ok(gql(url, 'mutation Revoke($id: ID!) { revokeOAuthClient(id: $id) { status } }', { id: client.id }, a.headers), 'revokeOAuthClient');

  const expectRefused = async (when: string) => {
    const session = await gql(url, ME, {}, bearer(revoked.accessToken));
    const oauth = await gql(url, CONTACTS, {}, bearer(clientToken));
    expect([when, codeOf(session), session.data ?? null]).toEqual([when, 'UNAUTHENTICATED', null]);
    expect([when, codeOf(oauth), oauth.data ?? null]).toEqual([when, 'UNAUTHENTICATED', null]);
    expect((await gql(url, ME, {}, bearer(kept.accessToken))).data?.me.email).toBe(a.email); // the others still work
  };
  await expectRefused('before');

  // Restarted without persistence: it comes back empty.
  await redis.kill();
  await redis.up();
  const back = Date.now();
  while ((await gql(url, ME, {}, bearer(kept.accessToken))).errors) {
    if (Date.now() - back > 10_000) throw new Error('no recovery within 10 s of Redis returning');
    await new Promise((r) => setTimeout(r, 50));
  }
  await expectRefused('after a restart');

  // Emptied while running, after the gateway had cached both as revoked and the kept session as active.
  execFileSync('redis-cli', ['-p', String(redis.port), 'FLUSHALL']);
  await expectRefused('after FLUSHALL');
  // A revocation after the flush holds too, and so does the first one, on every later request.
  await ok(gql(url, op('identity', 'LogOut'), {}, bearer(kept.accessToken)), 'logOut');
  expect(codeOf(await gql(url, ME, {}, bearer(kept.accessToken)))).toBe('UNAUTHENTICATED');
  expect(codeOf(await gql(url, ME, {}, bearer(revoked.accessToken)))).toBe('UNAUTHENTICATED');
  expect((await gql(url, ME, {}, a.headers)).data?.me.email).toBe(a.email);
});

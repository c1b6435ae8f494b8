// Budgets counted in Redis and shared by every gateway: per tenant (operations and query cost per
// minute, from its plan and shown in tenant.limits, used in tenant.usage), per API key (cost), and
// per client address for callers without a credential (sign-ups per hour; logIn, refreshSession,
// introspection per minute). Over budget: RATE_LIMITED, HTTP 429 and Retry-After.
import { randomUUID } from 'node:crypto';
import { startGateway, type RunningGateway } from '@bacbos/gateway';
import { composeSupergraph } from '../../scripts/compose';
import { contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

// Tight budgets for this file: the defaults for addresses, a twentieth of the plans' budgets for
// tenants (starter: 30 operations and 5,000 cost a minute), and X-Forwarded-For to be many clients.
// Counters of its own: the sign-ups of the files run before it in this jest run count against
// 127.0.0.1 under the same key prefix, and would already exceed the default 20 an hour.
process.env.REDIS_KEY_PREFIX = `${process.env.REDIS_KEY_PREFIX ?? 'bacbos-test:'}budgets-${randomUUID()}:`;
process.env.TRUST_PROXY = 'loopback';
process.env.TENANT_BUDGET_SCALE = '0.05';
delete process.env.RATE_LIMIT_SIGNUPS_PER_HOUR;
delete process.env.RATE_LIMIT_ANONYMOUS_PER_MINUTE;

let platform: RunningPlatform;
let url: string;

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const from = (address: string, headers: Record<string, string> = {}) => ({ ...headers, 'x-forwarded-for': address });

async function post(target: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { data?: any; errors?: { extensions: Record<string, unknown> }[] } };
}

function expectRateLimited(res: Awaited<ReturnType<typeof post>>, maxWindow: number) {
  expect(res.status).toBe(429);
  expect(res.body.errors![0].extensions.code).toBe('RATE_LIMITED');
  const seconds = Number(res.retryAfter);
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(maxWindow);
  expect(res.body.errors![0].extensions.retryAfter).toBe(seconds);
}

describe('per client address, without a credential', () => {
  const signUp = (address: string, password = 'correct horse battery staple') => {
    const slug = `b-${Math.random().toString(36).slice(2, 12)}`;
    return post(url, op('platform', 'SignUp'), { input: { tenantName: 'Budget', tenantSlug: slug, email: `o@${slug}.example`, password } }, from(address));
  };

  it('allows 20 sign-ups an hour per address, refuses the 21st, and other addresses still sign up', async () => {
    // Refused inputs count too (they are cheap to send), so 20 of them use the hour's budget.
    for (let n = 0; n < 20; n += 1) expect((await signUp('203.0.113.7', 'short')).body.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expectRateLimited(await signUp('203.0.113.7'), 3600);
    const other = await signUp('203.0.113.8');
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data.signUp.tenant.plan).toBe('starter');
  });

  it('allows 60 operations a minute per address: introspection, logIn and refreshSession alike, successful log-ins included', async () => {
    const t = await signUpTenant(url, 'Anonymous budget');
    const address = '203.0.113.9';
    for (let n = 0; n < 58; n += 1) expect((await post(url, '{ __typename }', {}, from(address))).status).toBe(200);
    const logIn = () => post(url, op('identity', 'LogIn'), { input: { tenantSlug: t.slug, email: t.email, password: t.password } }, from(address));
    expect((await logIn()).body.data.logIn.user.id).toBe(t.userId); // the 59th
    expect((await logIn()).body.data.logIn.user.id).toBe(t.userId); // the 60th
    expectRateLimited(await logIn(), 60);
    expectRateLimited(await post(url, '{ __schema { queryType { name } } }', {}, from(address)), 60);
    expectRateLimited(await post(url, op('identity', 'RefreshSession'), { refreshToken: t.refreshToken }, from(address)), 60);
    // Another address, and the tenant's signed-in users, are not affected.
    const elsewhere = await post(url, op('identity', 'LogIn'), { input: { tenantSlug: t.slug, email: t.email, password: t.password } }, from('203.0.113.10'));
    expect(elsewhere.body.data.logIn.user.id).toBe(t.userId);
    expect((await post(url, '{ me { id } }', {}, from(address, t.headers))).body.data.me.id).toBe(t.userId);
  }, 60_000);
});

describe('per tenant, from its plan', () => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await signUpTenant(url, 'Tenant budget');
  });

  it('shows the budgets in tenant.limits and this minute\'s use in tenant.usage', async () => {
    const first = await gql(url, op('platform', 'CurrentTenant'), {}, t.headers);
    expect(first.data!.tenant.limits).toMatchObject({ maxUsers: 5, operationsPerMinute: 30, costPerMinute: 5000, apiKeyCostPerMinute: 2500, maxWebSockets: 1 });
    for (let n = 0; n < 8; n += 1) await gql(url, '{ me { id } }', {}, t.headers);
    const usage = (await gql(url, op('platform', 'CurrentTenant'), {}, t.headers)).data!.tenant.usage;
    expect(usage).toMatchObject({ users: 1, operationsThisMinute: 10 });
    expect(usage.costThisMinute).toBeGreaterThan(8 * 2);
  });

  it('refuses the 31st operation of the minute with 429 and Retry-After; other tenants are not affected', async () => {
    const other = await signUpTenant(url, 'Neighbour');
    let n = 10;
    for (; n < 30; n += 1) expect((await post(url, '{ me { id } }', {}, t.headers)).status).toBe(200);
    expectRateLimited(await post(url, '{ me { id } }', {}, t.headers), 60);
    expect((await gql(url, '{ me { id } }', {}, other.headers)).data!.me.id).toBe(other.userId);
  });

  it('counts query cost: two contact pages of 100 (3,800 each) exceed 5,000 a minute', async () => {
    const c = await signUpTenant(url, 'Cost budget');
    expect((await post(url, op('crm', 'Contacts'), { first: 100 }, c.headers)).status).toBe(200);
    expectRateLimited(await post(url, op('crm', 'Contacts'), { first: 100 }, c.headers), 60);
    expect((await post(url, '{ me { id } }', {}, c.headers)).status).toBe(200); // cheap operations still fit
  });

  it('counts an API key\'s cost on its own (2,500 a minute here) as well as in its tenant', async () => {
    const k = await signUpTenant(url, 'Key budget');
    const created = await gql(url, op('platform', 'CreateApiKey'), { input: { name: 'reader', scopes: ['crm:read'], rateLimit: 1000 } }, k.headers);
    const key = { 'x-api-key': created.data!.createApiKey.secret as string };
    expect((await post(url, op('crm', 'Contacts'), { first: 50 }, key)).status).toBe(200); // 1,900
    expectRateLimited(await post(url, op('crm', 'Contacts'), { first: 50 }, key), 60);
    expect((await post(url, op('crm', 'Contacts'), { first: 10 }, k.headers)).status).toBe(200); // the tenant has budget left
  });

  describe('shared by every gateway instance', () => {
    let second: RunningGateway;
    beforeAll(async () => {
      second = await startGateway({
        supergraphSdl: composeSupergraph().supergraph,
        subgraphUrls: Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])),
        internalContextSecret: process.env.INTERNAL_CONTEXT_SECRET as string,
        accessTokenSecret: process.env.ACCESS_TOKEN_SECRET as string,
        port: 0,
      });
    });
    afterAll(() => second.stop());

    it('counts operations on both gateways against one budget', async () => {
      const s = await signUpTenant(url, 'Two gateways');
      for (let n = 0; n < 30; n += 1) expect((await post(n % 2 ? url : second.url, '{ me { id } }', {}, s.headers)).status).toBe(200);
      expectRateLimited(await post(second.url, '{ me { id } }', {}, s.headers), 60);
      expectRateLimited(await post(url, '{ me { id } }', {}, s.headers), 60);
    });
  });
});

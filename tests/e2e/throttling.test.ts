// Log-in throttling that cannot be turned against users: failures slow an account down and refuse
// only the (address, account) pair they come from, an address is only slowed down, and password
// hashing runs a bounded number at once. X-Forwarded-For (TRUST_PROXY=loopback) plays the clients.
import { codeOf, contractOperation as op, gql, signUpTenant, type GraphQLResponse, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

process.env.TRUST_PROXY = 'loopback';
// Two hashes at once and two waiting: the third and later of a burst are told to retry.
process.env.PASSWORD_HASH_CONCURRENCY = '2';
process.env.PASSWORD_HASH_QUEUE = '2';
// The production parameters (tests/helpers/env.ts lowers them for the rest of the suite): a burst
// must find hashing slow enough to overflow the queue.
process.env.PASSWORD_HASH_MEMORY_KIB = '65536';
process.env.PASSWORD_HASH_PASSES = '3';

let platform: RunningPlatform;
let url: string;
let victim: TestTenant;

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  victim = await signUpTenant(url, 'Victim');
});
afterAll(() => platform.stop());

async function logIn(t: { slug: string; email: string }, password: string, address: string): Promise<GraphQLResponse & { retryAfter: string | null; ms: number }> {
  const started = Date.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ query: op('identity', 'LogIn'), variables: { input: { tenantSlug: t.slug, email: t.email, password } } }),
  });
  return { ...((await res.json()) as GraphQLResponse), status: res.status, retryAfter: res.headers.get('retry-after'), ms: Date.now() - started };
}

describe('an attacked account', () => {
  it('refuses the attacker\'s address after 10 failures, while the owner still logs in from theirs', async () => {
    const attacker = '198.51.100.1';
    const times: number[] = [];
    for (let n = 0; n < 10; n += 1) {
      const res = await logIn(victim, `guess ${n}`, attacker);
      expect(codeOf(res)).toBe('UNAUTHENTICATED');
      times.push(res.ms);
    }
    // Slowed down from the 4th failure (100 ms, doubling).
    expect(Math.min(...times.slice(4))).toBeGreaterThanOrEqual(200);
    const refused = await logIn(victim, 'guess 11', attacker);
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    const retryAfter = Number(refused.retryAfter);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(refused.errors![0].extensions!.retryAfter).toBe(retryAfter);
    // The right password from the attacker's address is refused too: nothing to learn there.
    expect(codeOf(await logIn(victim, victim.password, attacker))).toBe('RATE_LIMITED');

    // The owner, elsewhere, logs in with the right password (slowed down at most 2 s).
    const owner = await logIn(victim, victim.password, '198.51.100.2');
    expect(owner.errors).toBeUndefined();
    expect(owner.data!.logIn.user.id).toBe(victim.userId);
    expect(owner.ms).toBeLessThan(2_000 + 1_500);
  }, 60_000);
});

describe('an address with many failures', () => {
  it('is slowed down, never refused: after 50 failures its other users still log in', async () => {
    const office = '198.51.100.3';
    const colleague = await signUpTenant(url, 'Colleague');
    // 50 failures over unknown accounts of an unknown tenant, four at a time (two hashing, two waiting).
    for (let n = 0; n < 50; n += 4) {
      const batch = await Promise.all([...Array(Math.min(4, 50 - n)).keys()].map((i) => logIn({ slug: 'no-such-tenant', email: `x${n + i}@example.com` }, 'wrong', office)));
      for (const res of batch) expect(['UNAUTHENTICATED', 'RATE_LIMITED']).toContain(codeOf(res));
    }
    const res = await logIn(colleague, colleague.password, office);
    expect(res.errors).toBeUndefined();
    expect(res.data!.logIn.user.id).toBe(colleague.userId);
  }, 120_000);
});

describe('password hashing', () => {
  it('runs two at once with two waiting; the rest of a burst is told to retry in a second', async () => {
    const t = await signUpTenant(url, 'Burst');
    // A fast machine hashes quickly enough that one burst may fit through the queue: a few bursts
    // are sent until one overflows it. Without the bound, none ever does and the test fails.
    const busy: Array<Awaited<ReturnType<typeof logIn>>> = [];
    for (let round = 0; round < 5 && busy.length === 0; round += 1) {
      const burst = await Promise.all([...Array(24).keys()].map((i) => logIn(t, t.password, `198.51.100.${100 + i}`)));
      const ok = burst.filter((r) => r.data?.logIn);
      busy.push(...burst.filter((r) => codeOf(r) === 'RATE_LIMITED'));
      expect(ok.length + burst.filter((r) => codeOf(r) === 'RATE_LIMITED').length).toBe(24);
      expect(ok.length).toBeGreaterThanOrEqual(4);
    }
    expect(busy.length).toBeGreaterThan(0);
    for (const r of busy) {
      expect(r.retryAfter).toBe('1');
      expect(r.errors![0].message).toMatch(/busy/);
    }
    // Once the burst is over, log-ins work again.
    expect((await logIn(t, t.password, '198.51.100.99')).data!.logIn.user.id).toBe(t.userId);
  }, 120_000);
});

describe('the owner of an account logs in while it is attacked from many addresses', () => {
  it('is slowed down by failures from everywhere, never refused', async () => {
    const t = await signUpTenant(url, 'Spread');
    for (let n = 0; n < 12; n += 1) expect(codeOf(await logIn(t, `guess ${n}`, `198.51.100.${150 + n}`))).toBe('UNAUTHENTICATED');
    const owner = await logIn(t, t.password, '198.51.100.200');
    expect(owner.data!.logIn.user.id).toBe(t.userId);
    expect(codeOf(await gql(url, '{ me { id } }', {}, { authorization: `Bearer ${owner.data!.logIn.accessToken}` }))).toBeUndefined();
  }, 60_000);
});

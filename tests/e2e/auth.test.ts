// SignUp, LogIn, Me, RefreshSession and LogOut as the contract says, through the gateway.
import { decodeJwt } from 'jose';
import { Client } from 'pg';
import { codeOf, contractOperation as op, gql, signUpTenant, bearer, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let tenant: TestTenant;

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  tenant = await signUpTenant(url, 'Auth Co');
});
afterAll(() => platform.stop());

const logIn = (input: Record<string, unknown>, headers: Record<string, string> = {}) => gql(url, op('identity', 'LogIn'), { input }, headers);

describe('signUp', () => {
  it('creates the tenant on the starter plan with a 14-day trial, the system roles and an owner', async () => {
    const slug = `signup-${Date.now()}`;
    const before = Date.now();
    const res = await gql(url, op('platform', 'SignUp'), {
      input: { tenantName: 'Initech', tenantSlug: slug, email: 'Peter@Initech.example', password: 'a long enough password', firstName: 'Peter', lastName: 'Gibbons' },
    });
    expect(res.errors).toBeUndefined();
    const s = res.data!.signUp;
    expect(s.tenant).toMatchObject({ name: 'Initech', slug, plan: 'starter', status: 'active', enabledModules: ['crm', 'office', 'hr', 'identity'] });
    const trialDays = (new Date(s.tenant.trialEndsAt).getTime() - before) / 86_400_000;
    expect(trialDays).toBeGreaterThan(13.99);
    expect(trialDays).toBeLessThan(14.01);
    expect(s.user).toEqual({ id: expect.any(String), email: 'peter@initech.example', firstName: 'Peter', lastName: 'Gibbons' });
    const claims = decodeJwt(s.accessToken);
    expect(claims.sub).toBe(s.user.id);
    expect(claims.tid).toBe(s.tenant.id);
    expect(claims.exp! - claims.iat!).toBe(15 * 60);
    expect(new Date(s.expiresAt).getTime()).toBe(claims.exp! * 1000);
    const me = await gql(url, op('identity', 'Me'), {}, bearer(s.accessToken));
    expect(me.data!.me.roles).toEqual([{ name: 'owner', permissions: ['*'] }]);
    const tenantRes = await gql(url, op('platform', 'CurrentTenant'), {}, bearer(s.accessToken));
    expect(tenantRes.data!.tenant).toMatchObject({ slug, limits: { maxUsers: 5, maxContacts: 1000 }, usage: { users: 1 } });
  });

  it('stores the password hashed with argon2id and the refresh token only as a hash', async () => {
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      const user = await db.query('SELECT password_hash FROM platform.users WHERE id = $1', [tenant.userId]);
      // With the parameters PASSWORD_HASH_MEMORY_KIB and PASSWORD_HASH_PASSES ask for (tests/helpers/env.ts).
      expect(user.rows[0].password_hash).toMatch(new RegExp(`^\\$argon2id\\$v=19\\$m=${process.env.PASSWORD_HASH_MEMORY_KIB},p=\\d+,t=${process.env.PASSWORD_HASH_PASSES}\\$`));
      expect(user.rows[0].password_hash).not.toContain(tenant.password);
      const sessions = await db.query('SELECT refresh_token_hash FROM platform.sessions WHERE user_id = $1', [tenant.userId]);
      expect(sessions.rows.length).toBeGreaterThan(0);
      for (const row of sessions.rows) expect(row.refresh_token_hash).not.toBe(tenant.refreshToken);
    } finally {
      await db.end();
    }
  });

  it('refuses a taken slug with CONFLICT on tenantSlug and a short password with BAD_USER_INPUT', async () => {
    const taken = await gql(url, op('platform', 'SignUp'), { input: { tenantName: 'x', tenantSlug: tenant.slug, email: 'x@example.com', password: 'another long password' } });
    expect(codeOf(taken)).toBe('CONFLICT');
    expect(taken.errors![0].extensions!.field).toBe('tenantSlug');
    const short = await gql(url, op('platform', 'SignUp'), { input: { tenantName: 'x', tenantSlug: `short-${Date.now()}`, email: 'x@example.com', password: 'short' } });
    expect(codeOf(short)).toBe('BAD_USER_INPUT');
    expect(short.errors![0].extensions!.field).toBe('password');
  });
});

describe('logIn', () => {
  it('logs in, records last login, and Me shows the profile, tenant, roles and the current session', async () => {
    const res = await logIn({ tenantSlug: tenant.slug, email: tenant.email.toUpperCase(), password: tenant.password }, { 'user-agent': 'jest-agent/1.0' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.logIn.user).toEqual({ id: tenant.userId, email: tenant.email });
    const me = await gql(url, op('identity', 'Me'), {}, bearer(res.data!.logIn.accessToken));
    expect(me.errors).toBeUndefined();
    expect(me.data!.me).toMatchObject({
      id: tenant.userId, email: tenant.email, firstName: 'Olive', lastName: 'Owner', status: 'active', mfaEnabled: false, preferences: {},
      tenant: { id: tenant.tenantId, slug: tenant.slug, name: 'Auth Co' },
      roles: [{ name: 'owner', permissions: ['*'] }],
    });
    expect(me.data!.me.lastLogin).not.toBeNull();
    const sessions = me.data!.me.sessions;
    expect(sessions.length).toBe(2); // sign-up's and this log-in's
    const current = sessions.filter((s: any) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ userAgent: 'jest-agent/1.0', ipAddress: expect.any(String) });
  });

  it('answers wrong password, unknown email and unknown tenant the same way', async () => {
    const answers = await Promise.all([
      logIn({ tenantSlug: tenant.slug, email: tenant.email, password: 'wrong password!' }),
      logIn({ tenantSlug: tenant.slug, email: 'nobody@example.com', password: tenant.password }),
      logIn({ tenantSlug: 'no-such-tenant', email: tenant.email, password: tenant.password }),
    ]);
    for (const a of answers) {
      expect(a.data).toBeNull();
      expect(a.errors).toHaveLength(1);
      expect(a.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    }
    expect(new Set(answers.map((a) => a.errors![0].message)).size).toBe(1);
  });

  it('is public, but Me without a credential is UNAUTHENTICATED', async () => {
    const me = await gql(url, op('identity', 'Me'), {});
    expect(codeOf(me)).toBe('UNAUTHENTICATED');
  });
});

describe('refreshSession and logOut', () => {
  it('rotates the refresh token; the old one stops working and its reuse revokes the session', async () => {
    const login = (await logIn({ tenantSlug: tenant.slug, email: tenant.email, password: tenant.password })).data!.logIn;
    const first = await gql(url, op('identity', 'RefreshSession'), { refreshToken: login.refreshToken });
    expect(first.errors).toBeUndefined();
    const rotated = first.data!.refreshSession;
    expect(rotated.refreshToken).not.toBe(login.refreshToken);
    expect(decodeJwt(rotated.accessToken).sid).toBe(decodeJwt(login.accessToken).sid);

    const reuse = await gql(url, op('identity', 'RefreshSession'), { refreshToken: login.refreshToken });
    expect(codeOf(reuse)).toBe('UNAUTHENTICATED');
    // The reuse revoked the session, so even the newest refresh token is dead now.
    const after = await gql(url, op('identity', 'RefreshSession'), { refreshToken: rotated.refreshToken });
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
  });

  it('logOut revokes the session: its refresh token no longer works', async () => {
    const login = (await logIn({ tenantSlug: tenant.slug, email: tenant.email, password: tenant.password })).data!.logIn;
    const out = await gql(url, op('identity', 'LogOut'), {}, bearer(login.accessToken));
    expect(out.data!.logOut).toBe(true);
    const refresh = await gql(url, op('identity', 'RefreshSession'), { refreshToken: login.refreshToken });
    expect(codeOf(refresh)).toBe('UNAUTHENTICATED');
  });

  it('refuses a made-up refresh token', async () => {
    const res = await gql(url, op('identity', 'RefreshSession'), { refreshToken: 'rt_made_up' });
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
  });
});

// Access and governance through the gateway: sessions that end everywhere at once, TOTP MFA,
// throttled log-ins, API keys (hashed, scoped, rate limited, revocable), tenant settings and module
// gating that apply from the next request, and the audit trail of every subgraph's mutations.
import { generate as totp } from 'otplib';
import { Client } from 'pg';
import { bearer, codeOf, contractOperation as op, eventually, gql, signUpTenant, type GraphQLResponse, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  a = await signUpTenant(url, 'Access A');
  b = await signUpTenant(url, 'Access B');
});
afterAll(() => platform.stop());

const logIn = (tenant: TestTenant, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  gql(url, op('identity', 'LogIn'), { input: { tenantSlug: tenant.slug, email: tenant.email, password: tenant.password, ...extra } }, headers);

async function sql<T = any>(query: string, params: unknown[] = []): Promise<T[]> {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    return (await db.query(query, params)).rows as T[];
  } finally {
    await db.end();
  }
}

describe('sessions', () => {
  it('logOut makes the access token fail on the very next request', async () => {
    const token = (await logIn(a)).data!.logIn.accessToken;
    expect((await gql(url, op('identity', 'Me'), {}, bearer(token))).data!.me.id).toBe(a.userId);
    await gql(url, op('identity', 'LogOut'), {}, bearer(token));
    expect(codeOf(await gql(url, op('identity', 'Me'), {}, bearer(token)))).toBe('UNAUTHENTICATED');
  });

  it('revokeSession ends another session of mine; another tenant\'s session id is NOT_FOUND', async () => {
    const other = (await logIn(a, {}, { 'user-agent': 'second-device' })).data!.logIn.accessToken;
    const me = await gql(url, op('identity', 'Me'), {}, a.headers);
    const target = me.data!.me.sessions.find((s: any) => s.userAgent === 'second-device');
    expect(target).toBeDefined();
    expect(codeOf(await gql(url, op('identity', 'RevokeSession'), { id: target.id }, b.headers))).toBe('NOT_FOUND');
    expect((await gql(url, op('identity', 'RevokeSession'), { id: target.id }, a.headers)).data!.revokeSession).toBe(true);
    expect(codeOf(await gql(url, op('identity', 'Me'), {}, bearer(other)))).toBe('UNAUTHENTICATED');
    const after = await gql(url, op('identity', 'Me'), {}, a.headers);
    expect(after.data!.me.sessions.some((s: any) => s.id === target.id)).toBe(false);
  });
});

describe('MFA (TOTP)', () => {
  it('enrols, confirms, then requires a code at log-in; the secret is stored encrypted and never returned again', async () => {
    const t = await signUpTenant(url, 'MFA');
    const enrol = await gql(url, op('identity', 'EnrollMfa'), {}, t.headers);
    const { secret, otpauthUrl } = enrol.data!.enrollMfa;
    expect(otpauthUrl).toBe(`otpauth://totp/BAC-BOS:${encodeURIComponent(t.email)}?secret=${secret}&issuer=BAC-BOS`);
    const stored = await sql('SELECT mfa_secret, mfa_enabled FROM platform.users WHERE id = $1', [t.userId]);
    expect(stored[0].mfa_enabled).toBe(false);
    expect(stored[0].mfa_secret).not.toContain(secret);
    expect(codeOf(await gql(url, op('identity', 'ConfirmMfa'), { code: '000000' }, t.headers))).toBe('BAD_USER_INPUT');
    const confirm = await gql(url, op('identity', 'ConfirmMfa'), { code: await totp({ secret }) }, t.headers);
    expect(confirm.data!.confirmMfa).toEqual({ id: t.userId, mfaEnabled: true });

    const without = await logIn(t);
    expect(codeOf(without)).toBe('UNAUTHENTICATED');
    expect(without.errors![0].extensions!.mfaRequired).toBe(true);
    expect(codeOf(await logIn(t, { mfaCode: '123456' }))).toBe('UNAUTHENTICATED');
    // A code from the next window is also valid (clock drift); reuse of one code is refused.
    const code = await totp({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const withCode = await logIn(t, { mfaCode: code });
    expect(withCode.errors).toBeUndefined();
    expect(withCode.data!.logIn.user.id).toBe(t.userId);
    expect(codeOf(await logIn(t, { mfaCode: code }))).toBe('UNAUTHENTICATED');
    expect((await gql(url, op('identity', 'Me'), {}, t.headers)).data!.me.mfaEnabled).toBe(true);
    expect(codeOf(await gql(url, op('identity', 'EnrollMfa'), {}, t.headers))).toBe('CONFLICT');
  });
});

describe('failed log-ins', () => {
  it('are slowed down and then refused with RATE_LIMITED, for that account only', async () => {
    const t = await signUpTenant(url, 'Throttle');
    const wrong = (n: number) => logIn(t, { password: `wrong password ${n}` });
    for (let n = 0; n < 3; n += 1) expect(codeOf(await wrong(n))).toBe('UNAUTHENTICATED');
    const started = Date.now();
    expect(codeOf(await wrong(3))).toBe('UNAUTHENTICATED'); // the 4th failure is slowed
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    for (let n = 4; n < 10; n += 1) await wrong(n);
    const refused = await logIn(t); // even the right password, while locked
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    expect(refused.errors![0].extensions!.retryAfter).toBeGreaterThan(0);
    expect((await logIn(a)).data!.logIn.user.id).toBe(a.userId); // other accounts are unaffected
  }, 60_000);
});

describe('API keys', () => {
  let secret: string;
  let keyId: string;

  it('creates a key whose secret is shown once and stored only as a hash', async () => {
    const res = await gql(url, op('platform', 'CreateApiKey'), { input: { name: 'CI reader', scopes: ['crm:read'], rateLimit: 5 } }, a.headers);
    expect(res.errors).toBeUndefined();
    const { secret: s, apiKey } = res.data!.createApiKey;
    secret = s;
    keyId = apiKey.id;
    expect(apiKey).toMatchObject({ name: 'CI reader', type: 'private', scopes: ['crm:read'], rateLimit: 5, isActive: true });
    expect(s.startsWith(apiKey.keyPrefix)).toBe(true);
    const rows = await sql('SELECT key_hash, key_prefix FROM platform.api_keys WHERE id = $1', [keyId]);
    expect(rows[0].key_hash).not.toContain(s);
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    const list = await gql(url, op('platform', 'ApiKeys'), {}, a.headers);
    expect(JSON.stringify(list.data)).not.toContain(s);
  });

  it('authenticates with x-api-key and can do no more than its scopes, in its own tenant only', async () => {
    await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'K', lastName: 'A', email: 'key@a.example' } }, a.headers);
    await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'K', lastName: 'B', email: 'key@b.example' } }, b.headers);
    const read = await gql(url, op('crm', 'Contacts'), {}, { 'x-api-key': secret });
    expect(read.errors).toBeUndefined();
    expect(read.data!.contacts.edges.map((e: any) => e.node.email)).toEqual(['key@a.example']);
    expect(codeOf(await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'X', lastName: 'Y', email: 'x@y.example' } }, { 'x-api-key': secret }))).toBe('FORBIDDEN');
    expect(codeOf(await gql(url, op('platform', 'CreateApiKey'), { input: { name: 'escalate', scopes: ['*'] } }, { 'x-api-key': secret }))).toBe('FORBIDDEN');
    expect(codeOf(await gql(url, op('crm', 'Contacts'), {}, { 'x-api-key': `${secret.slice(0, -2)}xx` }))).toBe('UNAUTHENTICATED');
    // A key of any other shape is refused as well, however long (5,000 characters was a 503 "unavailable").
    for (const garbage of ['x', `${secret}x`, 'k'.repeat(5_000)]) {
      const refused = await gql(url, op('crm', 'Contacts'), {}, { 'x-api-key': garbage });
      expect(refused.errors).toEqual([{ message: 'Invalid or revoked API key', extensions: { code: 'UNAUTHENTICATED' } }]);
    }
  });

  it('records usage and last use', async () => {
    const keys = await eventually(
      () => gql(url, op('platform', 'ApiKeys'), {}, a.headers),
      (r) => (r.data?.apiKeys.find((k: any) => k.id === keyId)?.usageStats.requests ?? 0) >= 3,
      'usage to be recorded',
    );
    expect(keys.data!.apiKeys.find((k: any) => k.id === keyId).lastUsedAt).not.toBeNull();
  });

  it('enforces its rate limit per minute with RATE_LIMITED and Retry-After', async () => {
    const created = await gql(url, op('platform', 'CreateApiKey'), { input: { name: 'tiny', scopes: ['crm:read'], rateLimit: 2 } }, a.headers);
    const tiny = created.data!.createApiKey.secret;
    const answers: GraphQLResponse[] = [];
    for (let n = 0; n < 3; n += 1) answers.push(await gql(url, '{ contacts(first: 1) { totalCount } }', {}, { 'x-api-key': tiny }));
    expect(answers.slice(0, 2).map(codeOf)).toEqual([undefined, undefined]);
    expect(codeOf(answers[2])).toBe('RATE_LIMITED');
    expect(answers[2].status).toBe(429);
    const raw = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': tiny }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a revoked key fails with UNAUTHENTICATED on its very next request; B cannot revoke A\'s key', async () => {
    expect(codeOf(await gql(url, op('platform', 'RevokeApiKey'), { id: keyId }, b.headers))).toBe('NOT_FOUND');
    const revoked = await gql(url, op('platform', 'RevokeApiKey'), { id: keyId }, a.headers);
    expect(revoked.data!.revokeApiKey).toEqual({ id: keyId, isActive: false });
    expect(codeOf(await gql(url, op('crm', 'Contacts'), {}, { 'x-api-key': secret }))).toBe('UNAUTHENTICATED');
    expect((await gql(url, op('platform', 'ApiKeys'), {}, b.headers)).data!.apiKeys).toEqual([]);
  });
});

describe('tenant settings and module gating', () => {
  it('UpdateTenant merges settings, needs platform:admin, and gates modules from the next request', async () => {
    const t = await signUpTenant(url, 'Gating');
    const res = await gql(url, op('platform', 'UpdateTenant'), { input: { name: 'Gating Inc', settings: { timeZone: 'Europe/Paris', locale: 'fr' } } }, t.headers);
    expect(res.data!.updateTenant).toMatchObject({ name: 'Gating Inc', settings: { timeZone: 'Europe/Paris', locale: 'fr' } });
    const merged = await gql(url, op('platform', 'UpdateTenant'), { input: { settings: { locale: null, currency: 'EUR' } } }, t.headers);
    expect(merged.data!.updateTenant.settings).toEqual({ timeZone: 'Europe/Paris', currency: 'EUR' });
    expect(codeOf(await gql(url, op('platform', 'UpdateTenant'), { input: { settings: { timeZone: 'Mars/Olympus' } } }, t.headers))).toBe('BAD_USER_INPUT');
    expect(codeOf(await gql(url, op('platform', 'UpdateTenant'), { input: { enabledModules: ['crm', 'spaceship'] } }, t.headers))).toBe('BAD_USER_INPUT');
    // A module no subgraph serves (the old column default's 'erp') is refused, the allowed ones named.
    const erp = await gql(url, op('platform', 'UpdateTenant'), { input: { enabledModules: ['crm', 'erp'] } }, t.headers);
    expect(codeOf(erp)).toBe('BAD_USER_INPUT');
    expect(erp.errors![0].message).toBe('enabledModules.1: each module must be one of crm, office, hr, identity');
    expect(erp.errors![0].extensions).toMatchObject({ field: 'enabledModules.1' });

    expect((await gql(url, op('crm', 'Contacts'), {}, t.headers)).errors).toBeUndefined();
    const off = await gql(url, op('platform', 'UpdateTenant'), { input: { enabledModules: ['office', 'hr', 'identity'] } }, t.headers);
    expect(off.data!.updateTenant.enabledModules).toEqual(['office', 'hr', 'identity']);
    // Same token, next request: the crm module is off.
    const gated = await gql(url, op('crm', 'Contacts'), {}, t.headers);
    expect(codeOf(gated)).toBe('FORBIDDEN');
    expect(gated.errors![0].message).toMatch(/crm/);
    expect(codeOf(await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'a', lastName: 'b', email: 'c@d.example' } }, t.headers))).toBe('FORBIDDEN');
    await gql(url, op('platform', 'UpdateTenant'), { input: { enabledModules: ['crm', 'office', 'hr', 'identity'] } }, t.headers);
    expect((await gql(url, op('crm', 'Contacts'), {}, t.headers)).errors).toBeUndefined();
  });
});

describe('audit trail', () => {
  it('records every subgraph\'s mutations with actor, IP, user agent and changed fields, never a secret', async () => {
    const t = await signUpTenant(url, 'Audit');
    const headers = { ...t.headers, 'user-agent': 'audit-agent/2' };
    const contact = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Aud', lastName: 'It', email: 'audit@example.com' } }, headers);
    const contactId = contact.data!.createContact.id;
    await gql(url, op('crm', 'UpdateContact'), { id: contactId, input: { title: 'CFO' } }, headers);
    const failed = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Aud', lastName: 'It', email: 'audit@example.com' } }, headers);
    expect(codeOf(failed)).toBe('CONFLICT');
    await gql(url, op('platform', 'CreateApiKey'), { input: { name: 'audited', scopes: ['crm:read'] } }, headers);

    const trail = await eventually(
      () => gql(url, op('platform', 'AuditTrail'), { filter: { resourceId: contactId } }, t.headers),
      (r) => r.data?.auditLogs.totalCount === 2,
      'two contact entries',
    );
    const [update, create] = trail.data!.auditLogs.edges.map((e: any) => e.node);
    expect(create).toMatchObject({ action: 'create', resourceType: 'Contact', resourceId: contactId, user: { id: t.userId, email: t.email }, userAgent: 'audit-agent/2' });
    expect(create.ipAddress).toBeTruthy();
    expect(update.changes).toEqual({ title: { from: null, to: 'CFO' } });
    expect(new Date(update.timestamp).getTime()).toBeGreaterThanOrEqual(new Date(create.timestamp).getTime());

    const keys = await eventually(
      () => gql(url, op('platform', 'AuditTrail'), { filter: { resourceType: 'ApiKey' } }, t.headers),
      (r) => r.data?.auditLogs.totalCount === 1,
      'the API key entry',
    );
    const keyEntry = JSON.stringify(keys.data!.auditLogs.edges[0].node.changes);
    expect(keyEntry).toContain('crm:read');
    expect(keyEntry).not.toMatch(/hash|secret/i);

    const logins = await eventually(
      () => gql(url, op('platform', 'AuditTrail'), { filter: { action: 'create', resourceType: 'Tenant' } }, t.headers),
      (r) => r.data?.auditLogs.totalCount === 1,
      'the sign-up entry',
    );
    expect(logins.data!.auditLogs.edges[0].node.resourceId).toBe(t.tenantId);
    // Tenant isolation and permissions.
    expect((await gql(url, op('platform', 'AuditTrail'), { filter: { resourceId: contactId } }, a.headers)).data!.auditLogs.totalCount).toBe(0);
  });

  it('pages with cursors, newest first', async () => {
    const t = await signUpTenant(url, 'Audit pages');
    for (let n = 0; n < 5; n += 1) await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'P', lastName: `${n}`, email: `p${n}@pages.example` } }, t.headers);
    await eventually(
      () => gql(url, op('platform', 'AuditTrail'), { filter: { resourceType: 'Contact' } }, t.headers),
      (r) => r.data?.auditLogs.totalCount === 5,
      'five entries',
    );
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const res: GraphQLResponse = await gql(url, op('platform', 'AuditTrail'), { filter: { resourceType: 'Contact' }, first: 2, after }, t.headers);
      const conn: any = res.data!.auditLogs;
      seen.push(...conn.edges.map((e: any) => e.node.changes.lastName.to));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(['4', '3', '2', '1', '0']);
  });
});

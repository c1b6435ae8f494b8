// OAuth 2.0 client credentials (RFC 6749 section 4.4) end to end: CreateOAuthClient (the secret
// shown once, stored as a hash, audited without it), the token endpoint POST /oauth/token with
// every error of section 5.2 (exact JSON and status), client authentication by HTTP Basic and by
// form parameters, scope subsets, the tokens as Bearer credentials that can do their scopes and
// nothing more, revocation from the next request on, and two-tenant isolation.
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { Client } from 'pg';
import { bearer, codeOf, contractOperation as op, gql, signUpTenant, type GraphQLResponse, type TestTenant } from '../helpers/graphql';
import { outboxProbe } from '../helpers/outbox';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let db: Client;
let a: TestTenant;
let b: TestTenant;
/** POST /oauth/token on the gateway's origin. */
let tokenUrl: string;
let gatewayTokenUrl: string;
const { outboxCount } = outboxProbe('identity', () => db);

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const FORM = 'application/x-www-form-urlencoded';
const NOBODY = '00000000-0000-4000-8000-000000000000';
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'Client authentication failed' };
const LIST = 'query { oauthClients { id clientId name redirectUris scopes status secretHint lastUsedAt createdAt } }';
const REVOKE = 'mutation Revoke($id: ID!) { revokeOAuthClient(id: $id) { id clientId status scopes } }';

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  gatewayTokenUrl = `${new URL(url).origin}/oauth/token`;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  a = await signUpTenant(url, 'OAuth A');
  b = await signUpTenant(url, 'OAuth B');
  tokenUrl = gatewayTokenUrl; // the gateway serves the token endpoint on its own origin
});
afterAll(async () => {
  await db.end();
  await platform.stop();
});

interface TokenAnswer {
  status: number;
  headers: Headers;
  body: Record<string, any>;
}

async function requestToken(body: Record<string, string> | string, headers: Record<string, string> = {}, target = tokenUrl): Promise<TokenAnswer> {
  const res = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': FORM, ...headers },
    body: typeof body === 'string' ? body : new URLSearchParams(body).toString(),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });

interface NewClient {
  id: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

async function createClient(tenant: { headers: Record<string, string> }, input: Record<string, unknown>): Promise<NewClient> {
  const res = await gql(url, op('identity', 'CreateOAuthClient'), { input }, tenant.headers);
  expect(res.errors).toBeUndefined();
  return res.data!.createOAuthClient;
}

/** A token by HTTP Basic; fails the test unless the endpoint issues one. */
async function tokenFor(client: NewClient, scope?: string): Promise<string> {
  const res = await requestToken({ grant_type: 'client_credentials', ...(scope === undefined ? {} : { scope }) }, basic(client.clientId, client.clientSecret));
  expect(res.status).toBe(200);
  return res.body.access_token;
}

/** Asserts an RFC 6749 section 5.2 error answer, exactly. */
function expectError(res: TokenAnswer, status: number, body: Record<string, string>): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  if (status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  else expect(res.headers.get('www-authenticate')).toBeNull();
}

async function sql<T = any>(query: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(query, params)).rows as T[];
}

/** A user of the tenant with the given system role, logged in. */
async function addUser(tenant: TestTenant, role: string): Promise<{ headers: Record<string, string> }> {
  const email = `${role}-${tenant.slug}@example.com`;
  const invited = await gql(url, op('platform', 'InviteUser'), { input: { email, roleNames: [role], password: tenant.password } }, tenant.headers);
  expect(invited.errors).toBeUndefined();
  const res = await gql(url, op('identity', 'LogIn'), { input: { tenantSlug: tenant.slug, email, password: tenant.password } });
  expect(res.errors).toBeUndefined();
  return { headers: bearer(res.data!.logIn.accessToken) };
}

describe('CreateOAuthClient', () => {
  it('answers the client with its secret, once; the list never has the secret', async () => {
    const res = await gql(url, op('identity', 'CreateOAuthClient'), {
      input: { name: '  Billing sync ', redirectUris: ['https://app.example/callback'], scopes: ['crm:read', 'crm:write', 'crm:read'] },
    }, a.headers);
    expect(res.errors).toBeUndefined();
    const created = res.data!.createOAuthClient;
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/), clientId: expect.stringMatching(/^cli_[0-9a-f]{24}$/), clientSecret: expect.stringMatching(/^cs_[A-Za-z0-9_-]{43}$/),
      name: 'Billing sync', redirectUris: ['https://app.example/callback'], scopes: ['crm:read', 'crm:write'],
    });

    const list = await gql(url, LIST, {}, a.headers);
    expect(list.errors).toBeUndefined();
    expect(list.data!.oauthClients.find((c: any) => c.id === created.id)).toEqual({
      id: created.id, clientId: created.clientId, name: 'Billing sync', redirectUris: ['https://app.example/callback'], scopes: ['crm:read', 'crm:write'],
      status: 'active', secretHint: created.clientSecret.slice(-4), lastUsedAt: null, createdAt: expect.stringMatching(/Z$/),
    });
    expect(JSON.stringify(list.data)).not.toContain(created.clientSecret);
    // There is no field to read it back with.
    expect(codeOf(await gql(url, '{ oauthClients { id clientSecret } }', {}, a.headers))).toBe('GRAPHQL_VALIDATION_FAILED');
    // A second client gets other credentials.
    const other = await createClient(a, { name: 'Other', scopes: ['crm:read'] });
    expect(other.clientId).not.toBe(created.clientId);
    expect(other.clientSecret).not.toBe(created.clientSecret);
  });

  it('stores only the SHA-256 of the secret, and writes its audit event (without the secret) in the same transaction', async () => {
    const created = await createClient(a, { name: 'Stored', scopes: ['crm:read'] });
    const [row] = await sql('SELECT * FROM identity.oauth_clients WHERE id = $1', [created.id]);
    expect(row).toMatchObject({
      tenant_id: a.tenantId, client_id: created.clientId, client_secret_hash: sha256(created.clientSecret), created_by: a.userId,
      status: 'active', scopes: ['crm:read'], grant_types: ['client_credentials'], redirect_uris: [],
    });
    expect(JSON.stringify(row)).not.toContain(created.clientSecret);
    const events = await sql('SELECT type, aggregate_type, tenant_id, actor_id, payload FROM identity.outbox WHERE aggregate_id = $1', [created.id]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'identity.oauth_client.created', aggregate_type: 'OAuthClient', tenant_id: a.tenantId, actor_id: a.userId });
    expect(events[0].payload.audit).toMatchObject({ action: 'create', resourceType: 'OAuthClient', resourceId: created.id, userId: a.userId });
    expect(events[0].payload.audit.changes).toMatchObject({ name: { from: null, to: 'Stored' }, clientId: { from: null, to: created.clientId }, scopes: { from: null, to: ['crm:read'] } });
    const payload = JSON.stringify(events[0].payload);
    expect(payload).not.toContain(created.clientSecret);
    expect(payload).not.toContain(row.client_secret_hash);
    expect(payload).not.toMatch(/secret|hash/i);
  });

  it('refuses bad input with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const clients = async () => (await sql('SELECT count(*)::int AS n FROM identity.oauth_clients WHERE tenant_id = $1', [a.tenantId]))[0].n;
    const [beforeClients, beforeEvents] = [await clients(), await outboxCount(a.tenantId)];
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', scopes: ['crm'] }, 'scopes'],
      [{ name: 'x', scopes: ['CRM:read'] }, 'scopes'],
      [{ name: 'x', scopes: ['billing:read'] }, 'scopes'],
      [{ name: 'x', scopes: ['crm:read', 'crm:read hr:read'] }, 'scopes'],
      [{ name: 'x', scopes: [''] }, 'scopes'],
      [{ name: '   ', scopes: ['crm:read'] }, 'name'],
      [{ name: 'x', scopes: ['crm:read'], redirectUris: ['not a uri'] }, 'redirectUris'],
      [{ name: 'x', scopes: ['crm:read'], redirectUris: ['https://app.example/cb#fragment'] }, 'redirectUris'],
      [{ name: 'x', scopes: ['crm:read'], redirectUris: ['javascript:alert(1)'] }, 'redirectUris'],
    ];
    for (const [input, field] of cases) {
      const res = await gql(url, op('identity', 'CreateOAuthClient'), { input }, a.headers);
      expect({ input, extensions: res.errors?.[0]?.extensions }).toMatchObject({ input, extensions: { code: 'BAD_USER_INPUT', field } });
      expect(res.data).toBeNull();
    }
    expect(await clients()).toBe(beforeClients);
    expect(await outboxCount(a.tenantId)).toBe(beforeEvents);
  });

  it('needs identity:write, and no creator grants a scope they lack (FORBIDDEN)', async () => {
    expect(codeOf(await gql(url, op('identity', 'CreateOAuthClient'), { input: { name: 'x', scopes: ['crm:read'] } }))).toBe('UNAUTHENTICATED');
    const member = await addUser(a, 'member'); // identity:read, crm:read, crm:write
    expect(codeOf(await gql(url, op('identity', 'CreateOAuthClient'), { input: { name: 'x', scopes: ['crm:read'] } }, member.headers))).toBe('FORBIDDEN');
    // OAuth clients are admin-console data: a member may not even list them.
    expect(codeOf(await gql(url, LIST, {}, member.headers))).toBe('FORBIDDEN');

    const admin = await addUser(a, 'admin'); // identity:write and many permissions, but not *
    for (const scopes of [['*'], ['crm:*'], ['crm:read', 'platform:billing']]) {
      const res = await gql(url, op('identity', 'CreateOAuthClient'), { input: { name: 'x', scopes } }, admin.headers);
      expect(codeOf(res)).toBe('FORBIDDEN');
      expect(res.errors![0].message).toContain(scopes.at(-1));
    }
    expect((await createClient(admin, { name: 'By admin', scopes: ['crm:read', 'hr:approve', 'identity:write'] })).scopes).toEqual(['crm:read', 'hr:approve', 'identity:write']);
    // The owner holds `*`, so may grant anything, `*` included.
    expect((await createClient(a, { name: 'Everything', scopes: ['*'] })).scopes).toEqual(['*']);
  });

  it('is FORBIDDEN, naming the module, when the tenant has not enabled identity', async () => {
    const g = await signUpTenant(url, 'No identity');
    const off = await gql(url, op('platform', 'UpdateTenant'), { input: { enabledModules: ['crm'] } }, g.headers);
    if (off.errors) throw new Error(`UpdateTenant failed: ${JSON.stringify(off.errors)}`);
    const res = await gql(url, op('identity', 'CreateOAuthClient'), { input: { name: 'x', scopes: ['crm:read'] } }, g.headers);
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(res.errors![0].message).toContain('identity');
    expect(codeOf(await gql(url, LIST, {}, g.headers))).toBe('FORBIDDEN');
  });
});

describe('POST /oauth/token (client credentials)', () => {
  let crm: NewClient;
  beforeAll(async () => {
    crm = await createClient(a, { name: 'CRM sync', scopes: ['crm:read', 'crm:write'] });
  });

  it('is served by the gateway, on the same origin as /graphql', async () => {
    expect(tokenUrl).toBe(gatewayTokenUrl);
    const res = await requestToken({ grant_type: 'client_credentials' }, basic(crm.clientId, crm.clientSecret), gatewayTokenUrl);
    expect(res.status).toBe(200);
  });

  it('issues a token to HTTP Basic: 200, Bearer, 3600 s, every scope, never cached; records only its hash', async () => {
    const started = Date.now();
    const res = await requestToken({ grant_type: 'client_credentials' }, { ...basic(crm.clientId, crm.clientSecret), 'user-agent': 'sync-bot/1.0' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'crm:read crm:write' });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');

    const claims = decodeJwt(res.body.access_token);
    expect(claims).toMatchObject({ sub: crm.id, tid: a.tenantId, scope: 'crm:read crm:write', iss: 'bacbos-identity', aud: 'bacbos-api', kind: 'oauth_client' });
    expect(claims.exp! - claims.iat!).toBe(3600);
    const rows = await sql('SELECT * FROM identity.oauth_tokens WHERE token_hash = $1', [sha256(claims.jti!)]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tenant_id: a.tenantId, oauth_client_id: crm.id, token_type: 'access', user_id: null, scopes: ['crm:read', 'crm:write'], revoked_at: null });
    expect(rows[0].expires_at.getTime()).toBe(claims.exp! * 1000);
    expect(rows[0].ip_address).toBeTruthy();
    expect(JSON.stringify(await sql('SELECT * FROM identity.oauth_tokens WHERE oauth_client_id = $1', [crm.id]))).not.toContain(res.body.access_token);
    const [client] = await sql('SELECT last_used_at FROM identity.oauth_clients WHERE id = $1', [crm.id]);
    expect(client.last_used_at.getTime()).toBeGreaterThanOrEqual(started - 1000);
  });

  it('issues a token to client_id and client_secret form parameters', async () => {
    const res = await requestToken({ grant_type: 'client_credentials', client_id: crm.clientId, client_secret: crm.clientSecret });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'crm:read crm:write' });
    // HTTP Basic with client_id repeated in the form (allowed when it matches).
    const both = await requestToken({ grant_type: 'client_credentials', client_id: crm.clientId }, basic(crm.clientId, crm.clientSecret));
    expect(both.status).toBe(200);
    // Basic credentials are form-encoded before base64 (section 2.3.1): an encoded id still works.
    const encoded = await requestToken({ grant_type: 'client_credentials' }, basic(encodeURIComponent(crm.clientId), encodeURIComponent(crm.clientSecret)));
    expect(encoded.status).toBe(200);
  });

  it('grants a requested subset of the scopes; an empty scope parameter means all of them', async () => {
    const subset = await requestToken({ grant_type: 'client_credentials', scope: 'crm:read' }, basic(crm.clientId, crm.clientSecret));
    expect(subset.status).toBe(200);
    expect(subset.body.scope).toBe('crm:read');
    expect(decodeJwt(subset.body.access_token).scope).toBe('crm:read');
    const repeated = await requestToken({ grant_type: 'client_credentials', scope: 'crm:write  crm:read crm:write' }, basic(crm.clientId, crm.clientSecret));
    expect(repeated.body.scope).toBe('crm:write crm:read');
    const empty = await requestToken('grant_type=client_credentials&scope=', basic(crm.clientId, crm.clientSecret));
    expect(empty.body.scope).toBe('crm:read crm:write');
    // A client with crm:* may ask for crm:read; one with * for anything.
    const wide = await createClient(a, { name: 'Wide', scopes: ['crm:*'] });
    expect((await requestToken({ grant_type: 'client_credentials', scope: 'crm:read' }, basic(wide.clientId, wide.clientSecret))).body.scope).toBe('crm:read');
    const all = await createClient(a, { name: 'All', scopes: ['*'] });
    expect((await requestToken({ grant_type: 'client_credentials', scope: 'hr:read crm:*' }, basic(all.clientId, all.clientSecret))).body.scope).toBe('hr:read crm:*');
  });

  it('invalid_scope (400) for a scope the client does not have, and issues nothing', async () => {
    const before = (await sql('SELECT count(*)::int AS n FROM identity.oauth_tokens WHERE oauth_client_id = $1', [crm.id]))[0].n;
    const cases: [string, string][] = [
      ['crm:read hr:read', 'hr:read'], ['*', '*'], ['crm:*', 'crm:*'], ['crm:delete identity:write', 'crm:delete identity:write'], ['nonsense', 'nonsense'],
    ];
    for (const [scope, refused] of cases) {
      const res = await requestToken({ grant_type: 'client_credentials', scope }, basic(crm.clientId, crm.clientSecret));
      expectError(res, 400, { error: 'invalid_scope', error_description: `The client may not request: ${refused}` });
    }
    expectError(await requestToken({ grant_type: 'client_credentials', scope: '   ' }, basic(crm.clientId, crm.clientSecret)), 400, {
      error: 'invalid_scope', error_description: 'The client may not request: (empty scope)',
    });
    expect((await sql('SELECT count(*)::int AS n FROM identity.oauth_tokens WHERE oauth_client_id = $1', [crm.id]))[0].n).toBe(before);
  });

  it('invalid_client: one answer for an unknown client, a wrong secret and a missing one; 401 with WWW-Authenticate for HTTP Basic', async () => {
    const grant = { grant_type: 'client_credentials' };
    const other = await createClient(a, { name: 'Other secret', scopes: ['crm:read'] });
    // Form parameters: 400.
    expectError(await requestToken({ ...grant, client_id: 'cli_000000000000000000000000', client_secret: crm.clientSecret }), 400, INVALID_CLIENT);
    expectError(await requestToken({ ...grant, client_id: crm.clientId, client_secret: `${crm.clientSecret}x` }), 400, INVALID_CLIENT);
    expectError(await requestToken({ ...grant, client_id: crm.clientId, client_secret: other.clientSecret }), 400, INVALID_CLIENT);
    expectError(await requestToken({ ...grant, client_id: crm.clientId }), 400, INVALID_CLIENT);
    expectError(await requestToken({ ...grant, client_secret: crm.clientSecret }), 400, INVALID_CLIENT);
    expectError(await requestToken(grant), 400, INVALID_CLIENT);
    // HTTP Basic: 401 + WWW-Authenticate: Basic.
    expectError(await requestToken(grant, basic('cli_000000000000000000000000', crm.clientSecret)), 401, INVALID_CLIENT);
    expectError(await requestToken(grant, basic(crm.clientId, 'wrong')), 401, INVALID_CLIENT);
    expectError(await requestToken(grant, basic(crm.clientId, '')), 401, INVALID_CLIENT);
    expectError(await requestToken(grant, { authorization: 'Basic !!!not-base64' }), 401, INVALID_CLIENT);
    expectError(await requestToken(grant, { authorization: `Basic ${Buffer.from(crm.clientId).toString('base64')}` }), 401, INVALID_CLIENT);
    expectError(await requestToken(grant, { authorization: `Bearer ${crm.clientSecret}` }), 401, INVALID_CLIENT);
  });

  it('invalid_request (400): wrong content type, missing or repeated parameters, two authentication methods, secrets in the URL', async () => {
    const auth = basic(crm.clientId, crm.clientSecret);
    const json = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ grant_type: 'client_credentials' }) });
    expectError({ status: json.status, headers: json.headers, body: (await json.json()) as Record<string, any> }, 400, {
      error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded',
    });
    const none = await fetch(tokenUrl, { method: 'POST', headers: auth, body: new Uint8Array(Buffer.from('grant_type=client_credentials')) });
    expectError({ status: none.status, headers: none.headers, body: (await none.json()) as Record<string, any> }, 400, {
      error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded',
    });
    // A charset parameter is fine.
    expect((await requestToken({ grant_type: 'client_credentials' }, { ...auth, 'content-type': `${FORM}; charset=UTF-8` })).status).toBe(200);

    expectError(await requestToken({}, auth), 400, { error: 'invalid_request', error_description: 'Missing parameter grant_type' });
    expectError(await requestToken('grant_type=', auth), 400, { error: 'invalid_request', error_description: 'Missing parameter grant_type' });
    expectError(await requestToken('grant_type=client_credentials&grant_type=client_credentials', auth), 400, {
      error: 'invalid_request', error_description: 'Parameter grant_type is included more than once',
    });
    expectError(await requestToken('grant_type=client_credentials&scope=crm:read&scope=crm:write', auth), 400, {
      error: 'invalid_request', error_description: 'Parameter scope is included more than once',
    });
    expectError(await requestToken(`grant_type=client_credentials&client_id=${crm.clientId}&client_id=${crm.clientId}&client_secret=${crm.clientSecret}`), 400, {
      error: 'invalid_request', error_description: 'Parameter client_id is included more than once',
    });
    expectError(await requestToken({ grant_type: 'client_credentials', client_secret: crm.clientSecret }, auth), 400, {
      error: 'invalid_request', error_description: 'Use one client authentication method: HTTP Basic or client_secret, not both',
    });
    expectError(await requestToken({ grant_type: 'client_credentials', client_id: 'cli_000000000000000000000000' }, auth), 400, {
      error: 'invalid_request', error_description: 'client_id does not match the HTTP Basic credentials',
    });
    expectError(await requestToken({ grant_type: 'client_credentials' }, auth, `${tokenUrl}?client_secret=${crm.clientSecret}`), 400, {
      error: 'invalid_request', error_description: 'Client credentials must not be sent in the URL',
    });
    // A NUL character, which PostgreSQL cannot take, anywhere (it was a 500 from the client look-up).
    const malformed = { error: 'invalid_request', error_description: 'Malformed token request' };
    expectError(await requestToken({ grant_type: 'client_credentials', client_id: 'a\u0000b', client_secret: 'c' }), 400, malformed);
    expectError(await requestToken({ grant_type: 'client_credentials' }, basic(`${crm.clientId}\u0000`, crm.clientSecret)), 400, malformed);
    expectError(await requestToken({ grant_type: 'client_credentials', scope: 'crm:read\u0000' }, auth), 400, malformed);
    // Unknown parameters are ignored (section 3.2).
    expect((await requestToken({ grant_type: 'client_credentials', audience: 'x', resource: 'y' }, auth)).status).toBe(200);
    // POST only.
    const get = await fetch(`${tokenUrl}?grant_type=client_credentials`, { headers: auth });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toEqual({ error: 'invalid_request', error_description: 'Use POST' });
  });

  it('unsupported_grant_type (400) for any other grant', async () => {
    for (const grant of ['password', 'authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'CLIENT_CREDENTIALS']) {
      expectError(await requestToken({ grant_type: grant }, basic(crm.clientId, crm.clientSecret)), 400, {
        error: 'unsupported_grant_type', error_description: 'Only grant_type client_credentials is supported',
      });
    }
  });

  it('unauthorized_client (400) for a client that may not use this grant', async () => {
    const limited = await createClient(a, { name: 'No grant', scopes: ['crm:read'] });
    await sql("UPDATE identity.oauth_clients SET grant_types = '{}' WHERE id = $1", [limited.id]);
    expectError(await requestToken({ grant_type: 'client_credentials' }, basic(limited.clientId, limited.clientSecret)), 400, {
      error: 'unauthorized_client', error_description: 'This client may not use the client_credentials grant',
    });
  });
});

describe('client tokens as Bearer credentials', () => {
  let reader: NewClient;
  let writer: NewClient;
  beforeAll(async () => {
    reader = await createClient(a, { name: 'Reader', scopes: ['crm:read'] });
    writer = await createClient(a, { name: 'Writer', scopes: ['crm:read', 'crm:write'] });
  });

  it('a crm:read token reads contacts and cannot create one (FORBIDDEN)', async () => {
    const created = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Ada', lastName: 'A', email: 'ada@oauth-a.example' } }, a.headers);
    expect(created.errors).toBeUndefined();
    const token = await tokenFor(reader);
    const list = await gql(url, op('crm', 'Contacts'), {}, bearer(token));
    expect(list.errors).toBeUndefined();
    expect(list.data!.contacts.edges.map((e: any) => e.node.email)).toContain('ada@oauth-a.example');
    const refused = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'No', lastName: 'Pe', email: 'nope@oauth-a.example' } }, bearer(token));
    expect(codeOf(refused)).toBe('FORBIDDEN');
    // Nor anything outside crm, though the client's creator could.
    expect(codeOf(await gql(url, LIST, {}, bearer(token)))).toBe('FORBIDDEN');
    expect(codeOf(await gql(url, op('identity', 'CreateOAuthClient'), { input: { name: 'x', scopes: ['crm:read'] } }, bearer(token)))).toBe('FORBIDDEN');
  });

  it('a token narrowed to crm:read by its scope parameter cannot write, though its client could', async () => {
    const narrow = await tokenFor(writer, 'crm:read');
    expect(codeOf(await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Nar', lastName: 'Row', email: 'narrow@oauth-a.example' } }, bearer(narrow)))).toBe('FORBIDDEN');
    const full = await tokenFor(writer);
    const res = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Bot', lastName: 'Made', email: 'bot@oauth-a.example' } }, bearer(full));
    expect(res.errors).toBeUndefined();
    expect(res.data!.createContact.email).toBe('bot@oauth-a.example');
  });
});

describe('revokeOAuthClient', () => {
  it('revokes the client: its tokens fail from the next request, it gets no new ones, once audited', async () => {
    const client = await createClient(a, { name: 'To revoke', scopes: ['crm:read'] });
    const bystander = await createClient(a, { name: 'Bystander', scopes: ['crm:read'] });
    const [first, second, kept] = [await tokenFor(client), await tokenFor(client, 'crm:read'), await tokenFor(bystander)];
    expect((await gql(url, op('crm', 'Contacts'), {}, bearer(first))).errors).toBeUndefined();

    const res = await gql(url, REVOKE, { id: client.id }, a.headers);
    expect(res.errors).toBeUndefined();
    expect(res.data!.revokeOAuthClient).toEqual({ id: client.id, clientId: client.clientId, status: 'revoked', scopes: ['crm:read'] });

    for (const token of [first, second]) expect(codeOf(await gql(url, op('crm', 'Contacts'), {}, bearer(token)))).toBe('UNAUTHENTICATED');
    expect((await gql(url, op('crm', 'Contacts'), {}, bearer(kept))).errors).toBeUndefined();
    expectError(await requestToken({ grant_type: 'client_credentials' }, basic(client.clientId, client.clientSecret)), 401, INVALID_CLIENT);
    expectError(await requestToken({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }), 400, INVALID_CLIENT);

    const tokens = await sql('SELECT revoked_at FROM identity.oauth_tokens WHERE oauth_client_id = $1', [client.id]);
    expect(tokens).toHaveLength(2);
    expect(tokens.every((t) => t.revoked_at instanceof Date)).toBe(true);
    expect((await sql('SELECT revoked_at FROM identity.oauth_tokens WHERE oauth_client_id = $1', [bystander.id]))[0].revoked_at).toBeNull();
    expect((await gql(url, LIST, {}, a.headers)).data!.oauthClients.find((c: any) => c.id === client.id).status).toBe('revoked');

    // Revoking again changes nothing and writes no second event.
    const again = await gql(url, REVOKE, { id: client.id }, a.headers);
    expect(again.data!.revokeOAuthClient.status).toBe('revoked');
    const events = await sql('SELECT type, actor_id, payload FROM identity.outbox WHERE aggregate_id = $1 ORDER BY seq', [client.id]);
    expect(events.map((e) => e.type)).toEqual(['identity.oauth_client.created', 'identity.oauth_client.revoked']);
    expect(events[1].actor_id).toBe(a.userId);
    expect(events[1].payload.audit).toMatchObject({ action: 'revoke', resourceType: 'OAuthClient', resourceId: client.id, changes: { status: { from: 'active', to: 'revoked' } } });
  });

  it('needs identity:write; an unknown or malformed id is NOT_FOUND', async () => {
    const client = await createClient(a, { name: 'Kept', scopes: ['crm:read'] });
    const member = await addUser(a, 'viewer');
    expect(codeOf(await gql(url, REVOKE, { id: client.id }, member.headers))).toBe('FORBIDDEN');
    expect(codeOf(await gql(url, REVOKE, { id: client.id }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await gql(url, REVOKE, { id: NOBODY }, a.headers))).toBe('NOT_FOUND');
    expect(codeOf(await gql(url, REVOKE, { id: 'nope' }, a.headers))).toBe('NOT_FOUND');
    expect((await requestToken({ grant_type: 'client_credentials' }, basic(client.clientId, client.clientSecret))).status).toBe(200);
  });
});

describe('two tenants', () => {
  let clientA: NewClient;
  let clientB: NewClient;
  beforeAll(async () => {
    clientA = await createClient(a, { name: 'A machine', scopes: ['crm:read', 'crm:write'] });
    clientB = await createClient(b, { name: 'B machine', scopes: ['crm:read', 'crm:write'] });
  });

  it('a tenant sees only its own clients and cannot revoke another\'s (NOT_FOUND, nothing changes)', async () => {
    const listB = (await gql(url, LIST, {}, b.headers)).data!.oauthClients;
    expect(listB.map((c: any) => c.id)).toEqual([clientB.id]);
    const listA = (await gql(url, LIST, {}, a.headers)).data!.oauthClients.map((c: any) => c.id);
    expect(listA).toContain(clientA.id);
    expect(listA).not.toContain(clientB.id);

    const before = await outboxCount(a.tenantId);
    const res: GraphQLResponse = await gql(url, REVOKE, { id: clientA.id }, b.headers);
    expect(codeOf(res)).toBe('NOT_FOUND');
    expect((await sql('SELECT status FROM identity.oauth_clients WHERE id = $1', [clientA.id]))[0].status).toBe('active');
    expect(await outboxCount(a.tenantId)).toBe(before);
    expect((await requestToken({ grant_type: 'client_credentials' }, basic(clientA.clientId, clientA.clientSecret))).status).toBe(200);
  });

  it('a client\'s token acts on its own tenant only, whatever the other tenant holds', async () => {
    const inB = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Bea', lastName: 'B', email: 'bea@oauth-b.example' } }, b.headers);
    expect(inB.errors).toBeUndefined();
    const contactB = inB.data!.createContact.id;
    const tokenA = await tokenFor(clientA);
    const tokenB = await tokenFor(clientB);
    expect(decodeJwt(tokenB).tid).toBe(b.tenantId);

    const seenByB = (await gql(url, op('crm', 'Contacts'), {}, bearer(tokenB))).data!.contacts;
    expect(seenByB.edges.map((e: any) => e.node.email)).toEqual(['bea@oauth-b.example']);
    const seenByA = (await gql(url, op('crm', 'Contacts'), {}, bearer(tokenA))).data!.contacts;
    expect(seenByA.edges.map((e: any) => e.node.email)).not.toContain('bea@oauth-b.example');
    expect((await gql(url, op('crm', 'Contact'), { id: contactB }, bearer(tokenA))).data!.contact).toBeNull();
    expect(codeOf(await gql(url, op('crm', 'UpdateContact'), { id: contactB, input: { firstName: 'Hijacked' } }, bearer(tokenA)))).toBe('NOT_FOUND');

    // What B's token creates lands in B.
    const made = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Bot', lastName: 'B', email: 'bot@oauth-b.example' } }, bearer(tokenB));
    expect(made.errors).toBeUndefined();
    expect((await sql('SELECT tenant_id FROM crm.contacts WHERE id = $1', [made.data!.createContact.id]))[0].tenant_id).toBe(b.tenantId);
    // And B's clients are of no use to A's tenant: B's token cannot see or revoke A's clients.
    expect(codeOf(await gql(url, LIST, {}, bearer(tokenB)))).toBe('FORBIDDEN');
  });
});

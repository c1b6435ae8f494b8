// The gateway is the only door: subgraphs refuse requests it did not sign, no client header can
// pick the tenant, and internal failures reach clients masked.
import { SignJWT } from 'jose';
import { CONTEXT_HEADER, anonymousCaller, signCallerIdentity } from '@bacbos/common';
import { codeOf, contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  a = await signUpTenant(url, 'Tenant A');
  b = await signUpTenant(url, 'Tenant B');
  await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Only', lastName: 'B', email: 'only-b@example.com' } }, b.headers);
});
afterAll(() => platform.stop());

const crmUrl = () => platform.subgraphs.find((s) => s.name === 'crm')!.url;

describe('subgraphs accept only what the gateway signed', () => {
  it('refuses a request without the signed context', async () => {
    const res = await gql(crmUrl(), '{ contacts { totalCount } }');
    expect(res.status).toBe(401);
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
  });

  it('refuses a context signed with another key', async () => {
    const forged = await signCallerIdentity({ ...anonymousCaller(), kind: 'user', tenantId: b.tenantId, userId: b.userId, permissions: ['*'] }, 'x'.repeat(64));
    const res = await gql(crmUrl(), '{ contacts { totalCount } }', {}, { [CONTEXT_HEADER]: forged });
    expect(res.status).toBe(401);
  });

  it('refuses an expired context even when correctly signed', async () => {
    const key = new TextEncoder().encode(process.env.INTERNAL_CONTEXT_SECRET);
    const stale = await new SignJWT({ caller: { ...anonymousCaller(), kind: 'user', tenantId: b.tenantId, permissions: ['*'] } })
      .setProtectedHeader({ alg: 'HS256' }).setIssuer('bacbos-gateway').setAudience('bacbos-subgraphs')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600).setExpirationTime(Math.floor(Date.now() / 1000) - 540).sign(key);
    const res = await gql(crmUrl(), '{ contacts { totalCount } }', {}, { [CONTEXT_HEADER]: stale });
    expect(res.status).toBe(401);
  });
});

describe('the tenant comes from the credential only', () => {
  it('ignores tenant headers and a client-sent context header', async () => {
    const forged = await signCallerIdentity({ ...anonymousCaller(), kind: 'user', tenantId: b.tenantId, userId: b.userId, permissions: ['*'] }, 'y'.repeat(64));
    const res = await gql(url, op('crm', 'Contacts'), {}, { ...a.headers, 'x-tenant-id': b.tenantId, [CONTEXT_HEADER]: forged });
    expect(res.errors).toBeUndefined();
    expect(res.data!.contacts.totalCount).toBe(0);
    const anon = await gql(url, op('crm', 'Contacts'), {}, { 'x-tenant-id': b.tenantId, [CONTEXT_HEADER]: forged });
    expect(codeOf(anon)).toBe('UNAUTHENTICATED');
  });

  it('refuses a token signed with another secret', async () => {
    const key = new TextEncoder().encode('z'.repeat(64));
    const token = await new SignJWT({ tid: b.tenantId, sid: 'x', perms: ['*'] }).setProtectedHeader({ alg: 'HS256' })
      .setSubject(b.userId).setIssuer('bacbos-platform').setAudience('bacbos-api').setExpirationTime('5m').sign(key);
    const res = await gql(url, op('crm', 'Contacts'), {}, { authorization: `Bearer ${token}` });
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
  });

  it('refuses an expired token', async () => {
    const key = new TextEncoder().encode(process.env.ACCESS_TOKEN_SECRET);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ tid: a.tenantId, sid: 'x', perms: ['*'] }).setProtectedHeader({ alg: 'HS256' })
      .setSubject(a.userId).setIssuer('bacbos-platform').setAudience('bacbos-api').setIssuedAt(now - 1000).setExpirationTime(now - 100).sign(key);
    const res = await gql(url, op('crm', 'Contacts'), {}, { authorization: `Bearer ${token}` });
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
  });
});

describe('errors', () => {
  it('reports syntax and validation errors with their codes', async () => {
    expect(codeOf(await gql(url, '{ contacts {', {}, a.headers))).toBe('GRAPHQL_PARSE_FAILED');
    expect(codeOf(await gql(url, '{ contacts { nope } }', {}, a.headers))).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses queries nested too deep or too wide with QUERY_TOO_COMPLEX, before any subgraph runs', async () => {
    const deep = `{ me { ${'tenant { id } roles { name } '.repeat(1)} leads { edges { node { contact { leads { contact { leads { contact { leads { contact { leads { id } } } } } } } } } } } } }`;
    const res = await gql(url, deep, {}, a.headers);
    expect(codeOf(res)).toBe('QUERY_TOO_COMPLEX');
    const wide = `{ ${[...Array(1001).keys()].map((n) => `f${n}: __typename`).join(' ')} }`;
    expect(codeOf(await gql(url, wide, {}, a.headers))).toBe('QUERY_TOO_COMPLEX');
    expect(codeOf(await gql(url, '{ me { id tenant { slug } } }', {}, a.headers))).toBeUndefined();
  });

  it('tells a subscription sent over HTTP to use the WebSocket', async () => {
    const res = await gql(url, op('crm', 'ContactEvents'), {}, a.headers);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/WebSocket/);
  });

  it('serves GET /graphql for queries', async () => {
    const res = await fetch(`${url}?query=${encodeURIComponent('{ tenant { slug } }')}`, { headers: { accept: 'application/json', ...a.headers } });
    const body = (await res.json()) as { data: { tenant: { slug: string } } };
    expect(body.data.tenant.slug).toBe(a.slug);
  });

  it('masks internal failures: no stack, no SQL, no internal host names', async () => {
    const crm = platform.subgraphs.find((s) => s.name === 'crm')!;
    await crm.stop(); // the gateway can no longer reach the CRM subgraph
    const res = await gql(url, op('crm', 'Contacts'), {}, a.headers);
    expect(codeOf(res)).toBe('INTERNAL_SERVER_ERROR');
    const body = JSON.stringify(res);
    expect(body).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|stack|at .*\.ts/);
    // An unreachable subgraph is an outage, told as such (README, Faults), never its address.
    expect(res.errors![0].message).toBe('The service is temporarily unavailable; retry in a few seconds');
    expect(res.errors![0].extensions).toMatchObject({ unavailable: true });
  });
});

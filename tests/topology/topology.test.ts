// The production topology end to end: `npm run topology` brings up every process separately from
// the compiled output (dist/), on ports and a database of this run's own, against the real Kafka,
// Redis and S3; the tests then drive it only over HTTP and WebSocket, as clients would, and take
// it down at the end. What only a real deployment shows: events cross processes through Kafka,
// revocations cross gateway instances through Redis, presigned URLs work from the host.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUBGRAPHS } from '@bacbos/common';
import { down, instances, status, up, type TopologyOptions } from '../../scripts/topology';
import { bearer, codeOf, contractOperation as op, eventually, gql, ok, signUpTenant, type TestTenant } from '../helpers/graphql';
import { testTopology, topologyPortsFree, type TestTopology } from '../helpers/topology';
import { subscribe, waitFor } from '../subscriptions/helpers';

jest.setTimeout(60_000);

let options: TopologyOptions;
let gatewayA: string;
let gatewayB: string;
let tenant: TestTenant;
let upMs: number;
let firstQueryMs: number;

let topology: TestTopology;

beforeAll(async () => {
  topology = await testTopology('topology', 41_000);
  options = topology.options;
  const started = Date.now();
  const result = await up(options);
  upMs = Date.now() - started;
  firstQueryMs = result.firstQueryMs;
  [gatewayA, gatewayB] = result.gatewayUrls;
  tenant = await signUpTenant(gatewayA, 'Topology');
}, 300_000);

afterAll(async () => {
  await down(options);
  await topology.drop();
  process.stdout.write(`topology: up in ${upMs} ms (first query ${firstQueryMs} ms after the migrate job started)\n`);
}, 60_000);

it('runs every process on its own from dist/ with node, each with exactly its listed variables', async () => {
  const rows = await status(options);
  expect(rows.map((r) => r.id)).toEqual([...SUBGRAPHS, 'gateway', 'gateway-2']);
  expect(rows.every((r) => r.pid && r.healthy)).toBe(true);
  expect(new Set(rows.map((r) => r.pid)).size).toBe(rows.length);
  for (const instance of instances(options.basePort).filter((i) => i.spec.kind === 'server')) {
    const { pid } = rows.find((r) => r.id === instance.id)!;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(argv.slice(1)).toEqual(['--enable-source-maps', join(__dirname, '..', '..', 'dist', instance.spec.entry)]);
    expect(argv.join(' ')).not.toMatch(/tsx|\.ts\b/);
    const names = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => kv.slice(0, kv.indexOf('=')));
    const allowed = new Set(['PATH', ...instance.spec.env, ...instance.spec.optional]);
    expect(names.filter((n) => !allowed.has(n))).toEqual([]);
    expect(instance.spec.env.filter((n) => !names.includes(n))).toEqual([]);
  }
});

it("carries a CRM mutation's audit entry through Kafka into auditLogs, readable on the other gateway", async () => {
  const contact = await ok(gql(gatewayA, op('crm', 'CreateContact'), { input: { firstName: 'Topo', lastName: 'Logy', email: 'topo@logy.example' } }, tenant.headers), 'createContact');
  const trail = await eventually(
    () => gql(gatewayB, op('platform', 'AuditTrail'), { filter: { resourceType: 'Contact', resourceId: contact.id } }, tenant.headers),
    // The count and the page are two statements: wait until both have seen the entry.
    (r) => r.data?.auditLogs.totalCount === 1 && r.data.auditLogs.edges.length === 1,
    'the contact audit entry',
  );
  expect(trail.data!.auditLogs.edges[0].node).toMatchObject({ action: 'create', resourceType: 'Contact', resourceId: contact.id, user: { id: tenant.userId } });
});

it("logOut on one gateway closes that session's WebSocket held on the other gateway", async () => {
  const login = await ok(gql(gatewayA, op('identity', 'LogIn'), { input: { tenantSlug: tenant.slug, email: tenant.email, password: tenant.password } }), 'logIn');
  const other = await ok(gql(gatewayA, op('identity', 'LogIn'), { input: { tenantSlug: tenant.slug, email: tenant.email, password: tenant.password } }), 'logIn');
  const sub = await subscribe(gatewayB, login.accessToken, op('crm', 'ContactEvents'));
  const bystander = await subscribe(gatewayB, other.accessToken, op('crm', 'ContactEvents'));
  try {
    await ok(gql(gatewayA, op('identity', 'LogOut'), {}, bearer(login.accessToken)), 'logOut');
    await waitFor(() => sub.closeCode !== undefined, 'the socket on the other gateway to close');
    expect(sub.closeCode).toBe(4403);
    // The other session's socket stays open and still gets events.
    await ok(gql(gatewayA, op('crm', 'CreateContact'), { input: { firstName: 'Still', lastName: 'Here', email: 'still@logy.example' } }, tenant.headers), 'createContact');
    await waitFor(() => bystander.values.length > 0, 'an event on the open socket');
    expect(bystander.closeCode).toBeUndefined();
  } finally {
    await Promise.allSettled([sub.dispose(), bystander.dispose()]);
  }
});

it('refuses a revoked OAuth client on both gateways from the next request', async () => {
  const client = await ok(gql(gatewayA, op('identity', 'CreateOAuthClient'), { input: { name: 'Topology sync', scopes: ['crm:read'] } }, tenant.headers), 'createOAuthClient');
  const res = await fetch(`${new URL(gatewayB).origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  expect(res.status).toBe(200);
  const token = ((await res.json()) as { access_token: string }).access_token;
  const count = '{ contacts(first: 1) { totalCount } }';
  for (const gateway of [gatewayA, gatewayB]) {
    const allowed = await gql(gateway, count, {}, bearer(token));
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data!.contacts.totalCount).toEqual(expect.any(Number));
  }
  await ok(gql(gatewayB, 'mutation Revoke($id: ID!) { revokeOAuthClient(id: $id) { status } }', { id: client.id }, tenant.headers), 'revokeOAuthClient');
  for (const gateway of [gatewayA, gatewayB]) {
    const refused = await gql(gateway, count, {}, bearer(token));
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect(refused.data ?? null).toBeNull();
  }
});

it('hands out presigned upload URLs for the public S3 endpoint that work from the host', async () => {
  const bytes = Buffer.from('uploaded from the host');
  const ticket = await ok(gql(gatewayB, op('office', 'RequestUpload'), { input: { name: 'host.txt', contentType: 'text/plain', size: bytes.length } }, tenant.headers), 'requestUpload');
  const s3 = new URL(process.env.S3_ENDPOINT as string);
  expect(new URL(ticket.uploadUrl).host).toBe(`localhost:${s3.port}`);
  const put = await fetch(ticket.uploadUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'text/plain' } });
  expect(put.status).toBe(200);
  const file = await ok(gql(gatewayA, op('office', 'CompleteUpload'), { fileId: ticket.file.id }, tenant.headers), 'completeUpload');
  expect(file).toMatchObject({ id: ticket.file.id, size: bytes.length, status: 'READY' });
  const root = await ok(gql(gatewayA, op('office', 'Folder'), {}, tenant.headers), 'folder');
  const listed = root.files.find((f: { id: string }) => f.id === file.id);
  expect(new URL(listed.downloadUrl).host).toBe(`localhost:${s3.port}`);
  const got = await fetch(listed.downloadUrl);
  expect(got.status).toBe(200);
  expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
});

it('down stops every process and leaves the shared services running', async () => {
  await down(options);
  const rows = await status(options);
  expect(rows.filter((r) => r.pid)).toEqual([]);
  expect(await topologyPortsFree(options.basePort)).toBe(true);
  // services.sh status exits non-zero when one of them is stopped.
  expect(() => execFileSync('bash', [join(__dirname, '..', '..', 'scripts', 'services.sh'), 'status'], { stdio: 'ignore' })).not.toThrow();
});

// x-request-id end to end (honoured when sane, generated otherwise, returned on every response of
// the gateway and the subgraphs, carried to the subgraphs and into their log lines) and the
// gateway's access log: one structured line per operation, never a token or a variable's value.
import { randomUUID } from 'node:crypto';
import { addLogSink, rootLogger } from '@bacbos/common';
import { contractOperation as op, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { baseOf } from './scrape';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let platform: RunningPlatform;
let url: string;
let tenant: TestTenant;
const lines: Record<string, any>[] = [];
let removeSink: () => void;
const level = rootLogger.level;

beforeAll(async () => {
  // Debug: the subgraphs' per-request lines too. Set before the servers create their loggers.
  rootLogger.level = 'debug';
  removeSink = addLogSink((line) => lines.push(JSON.parse(line) as Record<string, any>));
  platform = await startPlatform();
  url = platform.gatewayUrl;
  tenant = await signUpTenant(url, 'Request ids');
});
afterAll(async () => {
  removeSink();
  rootLogger.level = level;
  await platform.stop();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...tenant.headers, ...headers }, body: JSON.stringify(body) });

/** Log lines are written when the response is done: wait for the access line of a request. */
async function accessLineOf(requestId: string): Promise<Record<string, any>> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const line = lines.find((l) => l.requestId === requestId && l.component === 'access');
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no access log line for ${requestId}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('honours a sane x-request-id, returns it, carries it to the subgraphs and into their log lines', async () => {
  const requestId = `client-${randomUUID()}`;
  const email = `secret-${randomUUID().slice(0, 8)}@example.com`;
  const res = await post({ query: op('crm', 'CreateContact'), variables: { input: { firstName: 'Reqid', lastName: 'Test', email } } }, { 'x-request-id': requestId });
  expect(res.status).toBe(200);
  expect(res.headers.get('x-request-id')).toBe(requestId);
  expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();

  const access = await accessLineOf(requestId);
  expect(access).toMatchObject({
    level: 30, msg: 'graphql request', requestId, operation: 'CreateContact', operationType: 'mutation',
    tenantId: tenant.tenantId, callerKind: 'user', status: 200, errorCodes: [],
  });
  expect(typeof access.durationMs).toBe('number');
  expect(access.traceId).toBeUndefined(); // tracing is off in this run: no span, no trace id
  // The crm subgraph served the fetch under the same id (its own per-request line, at debug).
  await new Promise((r) => setTimeout(r, 100));
  const mine = lines.filter((l) => l.requestId === requestId);
  expect(mine.some((l) => l.subgraph === 'crm' && l.msg === 'graphql request' && l.tenantId === tenant.tenantId)).toBe(true);
  // Never a token, a variable's value or the query text in any line of the request.
  const text = JSON.stringify(mine);
  expect(text).not.toContain(tenant.accessToken);
  expect(text).not.toContain(email);
  expect(text).not.toContain('Reqid');
});

it('replaces an unsafe or oversized x-request-id with a generated one', async () => {
  for (const bad of ['has spaces', 'x'.repeat(200), 'semi;colon', '<script>']) {
    const res = await post({ query: '{ contacts(first: 1) { totalCount } }' }, { 'x-request-id': bad });
    const returned = res.headers.get('x-request-id')!;
    expect(returned).toMatch(UUID);
    expect((await accessLineOf(returned)).operation).toBeNull(); // anonymous operation
  }
  const none = await post({ query: '{ contacts(first: 1) { totalCount } }' });
  expect(none.headers.get('x-request-id')).toMatch(UUID);
});

it('logs failures with their codes and no caller when authentication fails', async () => {
  const invalid = await post({ query: 'query Broken { nope }', variables: { password: 'hunter2-do-not-log' } }, { 'x-request-id': 'failing-1' });
  expect(invalid.headers.get('x-request-id')).toBe('failing-1');
  expect(await accessLineOf('failing-1')).toMatchObject({ operation: null, errorCodes: ['GRAPHQL_VALIDATION_FAILED'], status: 200 }); // 200 for application/json clients (GraphQL over HTTP)
  expect(JSON.stringify(lines)).not.toContain('hunter2-do-not-log');

  const unauthenticated = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token', 'x-request-id': 'failing-2' },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  expect(unauthenticated.headers.get('x-request-id')).toBe('failing-2');
  expect(await accessLineOf('failing-2')).toMatchObject({ errorCodes: ['UNAUTHENTICATED'], tenantId: null, callerKind: null, status: 401 });
  expect(JSON.stringify(lines)).not.toContain('not-a-token');
});

it('returns the request id on every response: health, metrics, playground, and a subgraph refusing an unsigned call', async () => {
  const gateway = baseOf(url);
  const crm = baseOf(platform.subgraphs.find((s) => s.name === 'crm')!.url);
  for (const target of [`${gateway}/graphql`, `${gateway}/health`, `${gateway}/health/ready`, `${gateway}/metrics`, `${crm}/health/live`, `${crm}/metrics`]) {
    const res = await fetch(target, { headers: { 'x-request-id': 'probe-1', accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect([target, res.headers.get('x-request-id')]).toEqual([target, 'probe-1']);
  }
  const refused = await fetch(`${crm}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'unsigned-1' }, body: '{"query":"{ __typename }"}' });
  expect(refused.status).toBe(401);
  expect(refused.headers.get('x-request-id')).toBe('unsigned-1');
});

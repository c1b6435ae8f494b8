// Prometheus /metrics on the gateway and on a subgraph: scraped before and after real traffic (a
// query, failing queries, a mutation with a live subscriber), the counters and histograms move;
// no tenant id or unvalidated operation name becomes a label; the README documents every metric.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { OPERATION_NAME_LIMIT, operationLabel, topicFor } from '@bacbos/common';
import { contractOperation as op, gql, ok, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { subscribe, waitFor } from '../subscriptions/helpers';
import { baseOf, scrape, type Scrape } from './scrape';

let platform: RunningPlatform;
let gateway: string;
let crm: string;
let tenant: TestTenant;

beforeAll(async () => {
  platform = await startPlatform();
  gateway = baseOf(platform.gatewayUrl);
  crm = baseOf(platform.subgraphs.find((s) => s.name === 'crm')!.url);
  tenant = await signUpTenant(platform.gatewayUrl, 'Metrics');
});
afterAll(() => platform.stop());

const delta = (before: Scrape, after: Scrape, name: string, labels: Record<string, string>) => (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);

it('counts requests, errors by code, durations, subgraph fetches and live deliveries', async () => {
  const [gatewayBefore, crmBefore] = await Promise.all([scrape(gateway), scrape(crm)]);
  const sub = await subscribe(platform.gatewayUrl, tenant.accessToken, op('crm', 'ContactEvents'), {}, platform.gateway.hub);
  try {
    await ok(gql(platform.gatewayUrl, 'query MetricsContacts { contacts(first: 5) { totalCount } }', {}, tenant.headers), 'contacts');
    // Fails validation: counted under __invalid__, its made-up name never becomes a label.
    const invalid = await gql(platform.gatewayUrl, 'query MetricsNoSuchField { noSuchField }', {}, tenant.headers);
    expect(invalid.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const input = { firstName: 'Metric', lastName: 'Contact', email: `m-${randomUUID().slice(0, 8)}@example.com` };
    await ok(gql(platform.gatewayUrl, op('crm', 'CreateContact'), { input }, tenant.headers), 'createContact');
    const duplicate = await gql(platform.gatewayUrl, op('crm', 'CreateContact'), { input }, tenant.headers);
    expect(duplicate.errors?.[0].extensions?.code).toBe('CONFLICT');
    await waitFor(() => sub.values.length === 1, 'the live event');

    const [gatewayAfter, crmAfter] = await Promise.all([scrape(gateway), scrape(crm)]);
    // The gateway, per client operation.
    expect(delta(gatewayBefore, gatewayAfter, 'bacbos_gateway_requests_total', { operation: 'MetricsContacts', type: 'query' })).toBe(1);
    expect(delta(gatewayBefore, gatewayAfter, 'bacbos_gateway_request_duration_seconds_count', { operation: 'MetricsContacts', type: 'query' })).toBe(1);
    expect(delta(gatewayBefore, gatewayAfter, 'bacbos_gateway_requests_total', { operation: 'CreateContact', type: 'mutation' })).toBe(2);
    expect(delta(gatewayBefore, gatewayAfter, 'bacbos_gateway_request_errors_total', { operation: 'CreateContact', code: 'CONFLICT' })).toBe(1);
    expect(delta(gatewayBefore, gatewayAfter, 'bacbos_gateway_request_errors_total', { operation: '__invalid__', code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(gatewayAfter.text).not.toContain('MetricsNoSuchField');
    // Per subgraph fetch.
    expect(delta(gatewayBefore, gatewayAfter, 'bacbos_gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'crm', operation: 'MetricsContacts' })).toBe(1);
    expect(delta(gatewayBefore, gatewayAfter, 'bacbos_gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'crm', operation: 'CreateContact' })).toBeGreaterThanOrEqual(2);
    expect(delta(gatewayBefore, gatewayAfter, 'bacbos_gateway_subgraph_fetch_errors_total', { subgraph: 'crm', code: 'CONFLICT' })).toBe(1);
    // The subgraph, per operation it received (served from the subgraph's own /metrics).
    expect(delta(crmBefore, crmAfter, 'bacbos_subgraph_requests_total', { subgraph: 'crm', type: 'mutation' })).toBeGreaterThanOrEqual(2);
    expect(delta(crmBefore, crmAfter, 'bacbos_subgraph_request_errors_total', { subgraph: 'crm', code: 'CONFLICT' })).toBe(1);
    expect(delta(crmBefore, crmAfter, 'bacbos_subgraph_request_duration_seconds_count', { subgraph: 'crm', type: 'query' })).toBeGreaterThanOrEqual(1);
    // Live: the subscriber, its socket, its delivery latency.
    expect(gatewayAfter.value('bacbos_gateway_subscriptions', { route: 'contactEvents' })).toBe(1);
    expect(gatewayAfter.value('bacbos_gateway_websocket_connections')).toBeGreaterThanOrEqual(1);
    expect(delta(gatewayBefore, gatewayAfter, 'bacbos_subscription_delivery_seconds_count', { route: 'contactEvents' })).toBe(1);
    expect(gatewayAfter.value('bacbos_subscription_delivery_seconds_sum', { route: 'contactEvents' })).toBeGreaterThan(0);
    // Events: published by the crm relay, its backlog read from the outbox, consumers' lag.
    expect(delta(crmBefore, crmAfter, 'bacbos_outbox_published_total', { subgraph: 'crm' })).toBeGreaterThanOrEqual(1);
    expect(crmAfter.value('bacbos_outbox_backlog', { subgraph: 'crm' })).toBeGreaterThanOrEqual(0);
    expect(crmAfter.value('bacbos_outbox_relay_lag_seconds', { subgraph: 'crm' })).toBeGreaterThanOrEqual(0);
    expect(gatewayAfter.value('bacbos_event_consumer_lag', { consumer: 'gateway-hub', topic: topicFor('crm') })).toBe(0);
    expect(gatewayAfter.value('bacbos_event_consumer_lag', { consumer: 'platform-audit', topic: topicFor('crm') })).toBeGreaterThanOrEqual(0);
    // Pools and the process.
    expect(crmAfter.value('bacbos_db_pool_max_connections', { subgraph: 'crm', pool: 'app' })).toBeGreaterThan(0);
    expect(crmAfter.value('bacbos_db_pool_connections', { subgraph: 'crm', pool: 'app', state: 'idle' })).toBeGreaterThanOrEqual(1);
    expect(crmAfter.value('bacbos_db_pool_waiting', { subgraph: 'crm', pool: 'relay' })).toBe(0);
    expect(gatewayAfter.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(gatewayAfter.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    // Never a tenant or a user as a label value.
    for (const text of [gatewayAfter.text, crmAfter.text]) {
      expect(text).not.toContain(tenant.tenantId);
      expect(text).not.toContain(tenant.userId);
    }
  } finally {
    await sub.dispose();
  }
  await waitFor(() => platform.gateway.hub!.size === 0, 'the subscription to end');
  const started = Date.now();
  const final = await scrape(gateway);
  console.log(`scrape of the whole process (gateway and five subgraphs): ${Date.now() - started} ms, ${final.text.split('\n').length} lines`);
  expect(final.value('bacbos_gateway_subscriptions', { route: 'contactEvents' }) ?? 0).toBe(0);
});

it('keeps operation names bounded: validated names only, then __other__ past the limit', () => {
  const server = `bound-${randomUUID()}`;
  expect(operationLabel(server, 'AnyName', false)).toBe('__invalid__');
  expect(operationLabel(server, null, true)).toBe('__anonymous__');
  for (let n = 0; n < OPERATION_NAME_LIMIT; n += 1) expect(operationLabel(server, `Op${n}`, true)).toBe(`Op${n}`);
  expect(operationLabel(server, 'OneTooMany', true)).toBe('__other__');
  expect(operationLabel(server, 'Op7', true)).toBe('Op7');
  expect(operationLabel(`${server}-b`, 'x'.repeat(101), true)).toBe('__other__');
});

it('documents every metric it serves in the README, and no other', async () => {
  const served = (await scrape(gateway)).families().filter((name) => name.startsWith('bacbos_')).sort();
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Metrics'), readme.indexOf('\n## ', readme.indexOf('## Metrics') + 1));
  const documented = [...section.matchAll(/^\| `(bacbos_\w+)` \|/gm)].map((m) => m[1]).sort();
  expect(documented).toEqual(served);
});

// The query-plan cache: before the gateway listens it has planned every query and mutation of the
// persisted manifest (bacbos_gateway_query_plans_total{source="warm_up"}), so a contract operation's
// first request plans nothing (no source="request" plan), by text or by persisted hash; an ad-hoc
// document does plan; QUERY_PLAN_CACHE_ENTRIES too small to hold the manifest refuses to start.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway } from '@bacbos/gateway';
import { composeSupergraph } from '../../scripts/compose';
import { contractOperation, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { baseOf, scrape } from '../observability/scrape';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'gateway', 'src', 'persisted', 'manifest.json'), 'utf8')) as {
  operations: { id: string; name: string; type: string; body: string }[];
};
const planned = manifest.operations.filter((o) => o.type !== 'subscription');
const contacts = manifest.operations.find((o) => o.name === 'Contacts')!;

let platform: RunningPlatform;
let tenant: TestTenant;
const plansBuilt = async (source: 'warm_up' | 'request') => (await scrape(baseOf(platform.gatewayUrl))).value('bacbos_gateway_query_plans_total', { source }) ?? 0;

beforeAll(async () => {
  platform = await startPlatform();
  tenant = await signUpTenant(platform.gatewayUrl, 'Plans');
});
afterAll(() => platform.stop());

it('plans every query and mutation of the persisted manifest before it listens', async () => {
  expect(planned.length).toBeGreaterThan(50); // the contract's 75 today: a sanity floor, not the count under test
  expect(platform.gateway.warmedPlans).toEqual({ operations: planned.length, skipped: 0, ms: expect.any(Number) });
  expect(await plansBuilt('warm_up')).toBe(planned.length);
});

it("serves a contract operation's first request from the warmed plan, by text and by persisted hash; an ad-hoc document is planned", async () => {
  const before = await plansBuilt('request');
  // The contract's text as the web apps' documents print it (no operationName), then the persisted
  // hash with its operationName, as @bacbos/client sends it: the two keys the gateway looks up.
  expect(contractOperation('crm', 'Contacts')).toBe(contacts.body);
  const byText = await gql(platform.gatewayUrl, contacts.body, { first: 20 }, tenant.headers);
  expect(byText.errors).toBeUndefined();
  expect(byText.data!.contacts.totalCount).toBe(0);
  const res = await fetch(platform.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...tenant.headers },
    body: JSON.stringify({ operationName: 'Contacts', variables: { first: 5 }, extensions: { persistedQuery: { version: 1, sha256Hash: contacts.id } } }),
  });
  const byHash = (await res.json()) as { data?: { contacts: { totalCount: number } }; errors?: unknown };
  expect(byHash).toEqual({ data: expect.objectContaining({ contacts: expect.objectContaining({ totalCount: 0 }) }) });
  expect(await plansBuilt('request')).toBe(before);

  // The control: a document the manifest does not hold is planned on its first request only.
  const adHoc = `query PlanCacheAdHoc { me { email } }`;
  expect((await gql(platform.gatewayUrl, adHoc, {}, tenant.headers)).data!.me.email).toBe(tenant.email);
  expect((await gql(platform.gatewayUrl, adHoc, {}, tenant.headers)).data!.me.email).toBe(tenant.email);
  expect(await plansBuilt('request')).toBe(before + 1);
});

it('refuses to start when QUERY_PLAN_CACHE_ENTRIES cannot hold the manifest', async () => {
  process.env.QUERY_PLAN_CACHE_ENTRIES = '10';
  try {
    await expect(
      startGateway({
        supergraphSdl: composeSupergraph().supergraph,
        subgraphUrls: Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])),
        internalContextSecret: process.env.INTERNAL_CONTEXT_SECRET as string,
        accessTokenSecret: process.env.ACCESS_TOKEN_SECRET as string,
        port: 0,
      }),
    ).rejects.toThrow(`QUERY_PLAN_CACHE_ENTRIES: 10 cannot hold the ${planned.length * 2} plans of the persisted manifest's ${planned.length} queries and mutations`);
  } finally {
    delete process.env.QUERY_PLAN_CACHE_ENTRIES;
  }
});

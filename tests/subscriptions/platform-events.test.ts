// The admin console's live feed: platformEvents delivers the tenant's administrative events
// (API keys, users, roles, database instances...) to platform admins only, with the actor
// resolved by the platform subgraph.
import { contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { subscribe, waitFor, type Collected } from './helpers';

let platform: RunningPlatform;
let url: string;
let admin: TestTenant;
let other: TestTenant;
const open: Collected[] = [];

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  admin = await signUpTenant(url, 'Console');
  other = await signUpTenant(url, 'Other console');
});
afterAll(async () => {
  await Promise.allSettled(open.map((c) => c.dispose()));
  await platform.stop();
});

const FEED = 'subscription($types: [String!]) { platformEvents(types: $types) { type aggregateType aggregateId changes actor { id email } } }';

it('streams API key creation and revocation to admins of the tenant only', async () => {
  const hub = platform.gateway.hub!;
  const feed = await subscribe(url, admin.accessToken, FEED, { types: ['platform.api_key.created', 'platform.api_key.revoked'] }, hub);
  const otherFeed = await subscribe(url, other.accessToken, FEED, {}, hub);
  open.push(feed, otherFeed);
  // A viewer of the same tenant subscribes too, and must see nothing.
  const invited = await gql(url, op('platform', 'InviteUser'), { input: { email: 'viewer@console.example', roleNames: ['viewer'], password: 'viewer password 123' } }, admin.headers);
  expect(invited.errors).toBeUndefined();
  const viewerLogin = await gql(url, op('identity', 'LogIn'), { input: { tenantSlug: admin.slug, email: 'viewer@console.example', password: 'viewer password 123' } });
  const viewerFeed = await subscribe(url, viewerLogin.data!.logIn.accessToken, FEED, {}, hub);
  open.push(viewerFeed);

  const created = await gql(url, op('platform', 'CreateApiKey'), { input: { name: 'feed key', scopes: ['crm:read'] } }, admin.headers);
  const keyId = created.data!.createApiKey.apiKey.id;
  await gql(url, op('platform', 'RevokeApiKey'), { id: keyId }, admin.headers);
  await waitFor(() => feed.values.length === 2, 'two API key events');
  expect(feed.values.map((v) => [v.platformEvents.type, v.platformEvents.aggregateId, v.platformEvents.actor.email])).toEqual([
    ['platform.api_key.created', keyId, admin.email],
    ['platform.api_key.revoked', keyId, admin.email],
  ]);
  expect(feed.values[1].platformEvents.changes).toEqual({ isActive: { from: true, to: false } });
  // A later event of the other tenant proves its feed is live; it received none of the first's.
  await gql(url, op('platform', 'UpdateTenant'), { input: { name: 'Other console renamed' } }, other.headers);
  await waitFor(() => otherFeed.values.some((v) => v.platformEvents.type === 'platform.tenant.updated'), 'the other tenant\'s own event');
  // Its own sign-up's events may still arrive first (the relay publishes after the commit), but
  // nothing of the first tenant's.
  expect(otherFeed.values.map((v) => v.platformEvents.type).filter((t) => t.startsWith('platform.api_key'))).toEqual([]);
  expect(otherFeed.values.map((v) => v.platformEvents.aggregateId)).not.toContain(keyId);
  expect(viewerFeed.values).toEqual([]);
});

/**
 * E2E: the gateway's GraphiQL playground in a real (Debian) Chromium.
 * Needs /usr/bin/chromium (scripts/install-chromium.sh) or CHROMIUM_PATH; fails, never skips.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { contractOperation, gql, signUpTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { isSameOrigin, launchChromium, runPlaygroundSteps, runPlaygroundSubscriptionSteps } from './playground-steps';

jest.setTimeout(60_000);

let platform: RunningPlatform | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  platform = await startPlatform();
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

test('GraphiQL playground runs a query against the real gateway, offline', async () => {
  browser ??= await launchChromium(); // throws "Run scripts/install-chromium.sh" when missing
  const { gatewayUrl } = platform!;
  const origin = new URL(gatewayUrl).origin;

  const result = await runPlaygroundSteps(browser, gatewayUrl);

  expect(result.requests.length).toBeGreaterThan(0);
  for (const url of result.requests.filter((u) => !u.startsWith('data:'))) {
    expect(new URL(url).origin).toBe(origin);
  }
  expect(result.responseText).toContain('"Query"');
});

test('GraphiQL playground runs a subscription over a same-origin WebSocket', async () => {
  browser ??= await launchChromium();
  const { gatewayUrl, gateway } = platform!;
  const tenant = await signUpTenant(gatewayUrl, 'Playground');
  const registered = gateway.hub!.registered;

  const result = await runPlaygroundSubscriptionSteps(browser, gatewayUrl, {
    headers: { Authorization: `Bearer ${tenant.accessToken}` },
    subscription: 'subscription { contactEvents { type contact { email } actor { email } } }',
    onSubscribed: async () => {
      // Only events after the gateway holds the subscription are delivered: wait for it.
      const deadline = Date.now() + 15_000;
      while (gateway.hub!.registered === registered) {
        if (Date.now() > deadline) throw new Error('the playground subscription was never registered');
        await new Promise((r) => setTimeout(r, 20));
      }
      const created = await gql(gatewayUrl, contractOperation('crm', 'CreateContact'), {
        input: { firstName: 'P', lastName: 'G', email: 'pg@example.com' },
      }, tenant.headers);
      expect(created.errors).toBeUndefined();
    },
    until: (text) => text.includes('"type": "created"'),
    screenshotPath: process.env.PLAYGROUND_SCREENSHOT,
  });

  // The Headers editor's Authorization became the graphql-ws connectionParams.
  expect(result.connectionParams).toEqual({ authorization: `Bearer ${tenant.accessToken}` });
  expect(JSON.parse(result.responseText)).toEqual({
    data: { contactEvents: { type: 'created', contact: { email: 'pg@example.com' }, actor: { email: tenant.email } } },
  });
  expect(result.responseText).toContain('"type": "created"');
  expect(result.responseText).toContain('"email": "pg@example.com"');
  expect(result.responseText).toContain(`"email": "${tenant.email}"`);
  // Every request, the ws:// upgrade included, stayed on the gateway's host:port.
  const gatewayHost = new URL(gatewayUrl).host;
  expect(result.requests.some((u) => u === `ws://${gatewayHost}/graphql`)).toBe(true);
  expect(result.requests.filter((u) => !isSameOrigin(u, new URL(gatewayUrl).origin))).toEqual([]);
});

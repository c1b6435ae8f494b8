/**
 * E2E: the gateway's GraphiQL playground in a real (Debian) Chromium.
 * Needs /usr/bin/chromium (scripts/install-chromium.sh) or CHROMIUM_PATH; fails, never skips.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { launchChromium, runPlaygroundSteps } from './playground-steps';

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
  browser = await launchChromium(); // throws "Run scripts/install-chromium.sh" when missing
  const { gatewayUrl } = platform!;
  const origin = new URL(gatewayUrl).origin;

  const result = await runPlaygroundSteps(browser, gatewayUrl);

  expect(result.requests.length).toBeGreaterThan(0);
  for (const url of result.requests.filter((u) => !u.startsWith('data:'))) {
    expect(new URL(url).origin).toBe(origin);
  }
  expect(result.responseText).toContain('"Query"');
});

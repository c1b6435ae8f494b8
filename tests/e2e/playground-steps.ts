/**
 * Browser steps for the GraphiQL playground, shared by tests/e2e/playground.test.ts
 * and ad-hoc harnesses. Uses Debian's Chromium (scripts/install-chromium.sh) driven by
 * playwright-core: no browser downloads, no network beyond the gateway itself.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches Chromium; throws a clear, actionable error when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Run scripts/install-chromium.sh ` +
        '(or set CHROMIUM_PATH to a Chromium binary) before the e2e tests.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface PlaygroundResult {
  /** Every URL the page requested, WebSockets (ws://) included. */
  requests: string[];
  /** Text of GraphiQL's response pane after running the query. */
  responseText: string;
  /** Console errors (CSP violations would show up here). */
  consoleErrors: string[];
}

// The page.evaluate callbacks below run in the browser. The project's tsconfig has no
// DOM lib, so declare the little they use (CodeMirror 5 hangs its instance on the element).
type PageElement = { innerText: string; CodeMirror: { setValue(v: string): void; getValue(): string } };
declare const document: { querySelector(selector: string): PageElement | null };

const QUERY_EDITOR = '.graphiql-query-editor .CodeMirror';
const RESPONSE = '.graphiql-response .CodeMirror';

/** Same scheme family (ws: counts as http:, wss: as https:), host and port as `origin`. */
export function isSameOrigin(url: string, origin: string): boolean {
  return url.startsWith('data:') || new URL(url.replace(/^ws/, 'http')).origin === origin;
}

/** Opens the playground at `gatewayUrl` in `context`, recording requests and console errors. */
async function openPlayground(context: BrowserContext, gatewayUrl: string) {
  const page = await context.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url())); // not reported as 'request'
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  // A browser navigation to the GraphQL endpoint gets the HTML playground.
  const nav = await page.goto(gatewayUrl, { waitUntil: 'load' });
  assert.equal(nav?.status(), 200, 'playground page status');
  assert.match(nav?.headers()['content-type'] ?? '', /text\/html/);
  assert.equal(await page.title(), 'BAC-BOS playground');

  // GraphiQL 3 renders CodeMirror 5 editors.
  await page.waitForSelector(QUERY_EDITOR, { timeout: 20_000 });
  return { page, requests, consoleErrors };
}

async function setEditor(page: Page, selector: string, value: string): Promise<void> {
  await page.click(selector);
  await page.evaluate(([sel, v]) => document.querySelector(sel)!.CodeMirror.setValue(v), [selector, value] as const);
}

async function responseText(page: Page): Promise<string> {
  return page.evaluate((sel) => document.querySelector(sel)!.CodeMirror.getValue(), RESPONSE);
}

/** Nothing left the gateway's origin, and the CSP blocked nothing. */
function assertStayedHome(origin: string, requests: string[], consoleErrors: string[]): void {
  const foreign = requests.filter((u) => !isSameOrigin(u, origin));
  assert.deepEqual(foreign, [], `requests outside ${origin}`);
  const csp = consoleErrors.filter((e) => /Content Security Policy/i.test(e));
  assert.deepEqual(csp, [], 'Content-Security-Policy violations');
}

/**
 * Opens the playground at `gatewayUrl`, runs `{ __schema { queryType { name } } }`
 * through the real endpoint, opens the docs explorer and checks everything on the way.
 */
export async function runPlaygroundSteps(
  browser: Browser,
  gatewayUrl: string,
  opts: { screenshotPath?: string } = {},
): Promise<PlaygroundResult> {
  const origin = new URL(gatewayUrl).origin;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const { page, requests, consoleErrors } = await openPlayground(context, gatewayUrl);
    await setEditor(page, QUERY_EDITOR, '{ __schema { queryType { name } } }');
    await page.click('.graphiql-execute-button');

    // Wait until the response pane holds the real result of that query.
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.CodeMirror.getValue().includes('"Query"') ?? false,
      RESPONSE,
      { timeout: 20_000 },
    );
    const text = await responseText(page);
    assert.deepEqual(JSON.parse(text), { data: { __schema: { queryType: { name: 'Query' } } } });

    // The docs explorer (built-in plugin) lists the root Query type.
    await page.click('button[aria-label="Show Documentation Explorer"]');
    await page.waitForFunction(
      () => /\bQuery\b/.test(document.querySelector('.graphiql-doc-explorer')?.innerText ?? ''),
      undefined,
      { timeout: 20_000 },
    );

    if (opts.screenshotPath) await page.screenshot({ path: opts.screenshotPath });
    assertStayedHome(origin, requests, consoleErrors);
    return { requests, responseText: text, consoleErrors };
  } finally {
    await context.close();
  }
}

export interface PlaygroundSubscriptionResult extends PlaygroundResult {
  /** The payload of the graphql-ws connection_init message the page sent (its connectionParams). */
  connectionParams: unknown;
}

/**
 * Opens the playground, puts `headers` in the Headers editor and runs `subscription`.
 * Once the page has sent the subscribe message, awaits `onSubscribed` (which should wait
 * for the gateway to register it, then cause an event) and waits for the response pane
 * to satisfy `until`.
 */
export async function runPlaygroundSubscriptionSteps(
  browser: Browser,
  gatewayUrl: string,
  opts: {
    headers: Record<string, string>;
    subscription: string;
    onSubscribed: () => Promise<void>;
    until: (responseText: string) => boolean;
    screenshotPath?: string;
  },
): Promise<PlaygroundSubscriptionResult> {
  const origin = new URL(gatewayUrl).origin;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const { page, requests, consoleErrors } = await openPlayground(context, gatewayUrl);
    let connectionParams: unknown;
    const subscribed = new Promise<void>((resolve) => {
      page.on('websocket', (ws) =>
        ws.on('framesent', ({ payload }) => {
          const message = JSON.parse(String(payload)) as { type: string; payload?: unknown };
          if (message.type === 'connection_init') connectionParams = message.payload;
          if (message.type === 'subscribe') resolve();
        }),
      );
    });

    await page.click('.graphiql-editor-tools button[data-name="headers"]');
    await setEditor(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror', JSON.stringify(opts.headers));
    await setEditor(page, QUERY_EDITOR, opts.subscription);
    await page.click('.graphiql-execute-button');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(async () => reject(new Error(`no graphql-ws subscribe; response pane: ${await responseText(page)}`)), 20_000);
    });
    await Promise.race([subscribed, timeout]).finally(() => clearTimeout(timer));
    await opts.onSubscribed();

    // The live event replaces the (empty) response pane.
    const deadline = Date.now() + 20_000;
    let text = await responseText(page);
    while (!opts.until(text)) {
      if (Date.now() > deadline) throw new Error(`response pane never matched; it shows: ${text}`);
      await page.waitForTimeout(50);
      text = await responseText(page);
    }

    if (opts.screenshotPath) await page.screenshot({ path: opts.screenshotPath });
    assertStayedHome(origin, requests, consoleErrors);
    return { requests, responseText: text, consoleErrors, connectionParams };
  } finally {
    await context.close();
  }
}

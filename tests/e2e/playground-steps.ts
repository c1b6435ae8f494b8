/**
 * Browser steps for the GraphiQL playground, shared by tests/e2e/playground.test.ts
 * and ad-hoc harnesses. Uses Debian's Chromium (scripts/install-chromium.sh) driven by
 * playwright-core: no browser downloads, no network beyond the gateway itself.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
  /** Every URL the page requested. */
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
    const page = await context.newPage();
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));

    // A browser navigation to the GraphQL endpoint gets the HTML playground.
    const nav = await page.goto(gatewayUrl, { waitUntil: 'load' });
    assert.equal(nav?.status(), 200, 'playground page status');
    assert.match(nav?.headers()['content-type'] ?? '', /text\/html/);
    assert.equal(await page.title(), 'BAC-BOS playground');

    // GraphiQL 3 renders CodeMirror 5 editors.
    const editor = '.graphiql-query-editor .CodeMirror';
    await page.waitForSelector(editor, { timeout: 20_000 });
    await page.click(editor);
    await page.evaluate(
      ([sel, q]) => document.querySelector(sel)!.CodeMirror.setValue(q),
      [editor, '{ __schema { queryType { name } } }'] as const,
    );
    await page.click('.graphiql-execute-button');

    // Wait until the response pane holds the real result of that query.
    await page.waitForFunction(
      () => {
        const cm = document.querySelector('.graphiql-response .CodeMirror');
        return cm?.CodeMirror.getValue().includes('"Query"') ?? false;
      },
      undefined,
      { timeout: 20_000 },
    );
    const responseText = await page.evaluate(
      () => document.querySelector('.graphiql-response .CodeMirror')!.CodeMirror.getValue(),
    );
    assert.deepEqual(JSON.parse(responseText), { data: { __schema: { queryType: { name: 'Query' } } } });

    // The docs explorer (built-in plugin) lists the root Query type.
    await page.click('button[aria-label="Show Documentation Explorer"]');
    await page.waitForFunction(
      () => /\bQuery\b/.test(document.querySelector('.graphiql-doc-explorer')?.innerText ?? ''),
      undefined,
      { timeout: 20_000 },
    );

    if (opts.screenshotPath) await page.screenshot({ path: opts.screenshotPath });

    // Nothing left the gateway's origin (data: URLs never touch the network).
    const foreign = requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
    assert.deepEqual(foreign, [], `requests outside ${origin}`);
    const csp = consoleErrors.filter((e) => /Content Security Policy/i.test(e));
    assert.deepEqual(csp, [], 'Content-Security-Policy violations');

    return { requests, responseText, consoleErrors };
  } finally {
    await context.close();
  }
}

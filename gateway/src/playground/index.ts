import { readFileSync } from 'node:fs';
/**
 * Browser playground (GraphiQL 3) for the gateway.
 *
 * Why no CDN: the platform runs on machines and networks without internet
 * access, so every byte the page loads comes from this server, read from the
 * project's own installed packages (react, react-dom, graphiql, graphql-ws). Nothing is
 * copied into the repo; upgrading the packages upgrades the playground.
 *
 * Mount it BEFORE the GraphQL handler on the same path:
 *   app.use(playgroundRouter({ endpoint: '/graphql' }));
 *   app.use('/graphql', express.json(), expressMiddleware(server));
 * A browser navigation (Accept prefers text/html) to GET <endpoint> gets the
 * page; every other request falls through to the GraphQL handler. Subscriptions
 * run over graphql-ws on the same path (gateway/src/subscriptions/server.ts).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import express, { type Router } from 'express';

const ASSETS_PREFIX = '/playground/assets';

/** Assets are URL-versioned (?v=...), so they can be cached "forever". */
const ASSET_CACHE = { maxAge: '365d', immutable: true } as const;

/** `react` and `react-dom` restrict subpaths via "exports"; resolve their package.json instead. */
function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

function packageVersion(pkg: string): string {
  return (JSON.parse(readFileSync(packageFile(pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

// Auth hint lives here, not in default headers: a placeholder token would make
// every request (even introspection) fail. Lines kept short to fit the editor.
const DEFAULT_QUERY = `# Welcome to the BAC-BOS playground.
#
# 1. Sign up or log in: run the signUp or logIn
#    mutation and select its accessToken (the
#    Docs explorer, book icon, lists arguments):
#      mutation { logIn(...) { accessToken } }
# 2. Under "Headers" below, paste:
#      {"Authorization": "Bearer <accessToken>"}
# 3. Run with the play button or Ctrl+Enter.
# 4. Subscriptions run live over a WebSocket
#    with the same header, e.g.
#      subscription { contactEvents { type } }

{ __typename }
`;

// Bootstrap script served as a file, so the CSP needs no 'unsafe-inline' script.
// The endpoint is read from the page (data-endpoint), keeping this file static.
//
// Subscriptions: GraphiQL hands the Headers editor's headers to the fetcher per
// operation, while a graphql-ws connection authenticates once, in connectionParams.
// So boot.js keeps one GraphiQL fetcher per distinct credential, each with its own
// lazy graphql-ws client (connects on the first subscription, closes after the last).
// The client comes from graphql-ws's UMD build (global graphqlWs): graphiql.min.js
// bundles an older copy, but its subscriptionUrl path exposes no client options and
// would retry a rejected credential (4403) for ~40 s before showing the error.
const BOOT_JS = `(function () {
  var root = document.getElementById('graphiql');
  var endpoint = root.dataset.endpoint;
  // Same host and path as the page, ws: or wss: to match http: or https:.
  var wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + endpoint;

  // Headers editor -> connectionParams as the gateway reads them.
  function credentials(headers) {
    var params = {};
    Object.keys(headers || {}).forEach(function (name) {
      var lower = name.toLowerCase();
      if (lower === 'authorization') params.authorization = String(headers[name]);
      if (lower === 'x-api-key') params.apiKey = String(headers[name]);
    });
    return params;
  }

  var fetchers = {};
  // Queries and mutations go over HTTP with the editor's headers, as before;
  // subscriptions over the WebSocket client of the current credential.
  function fetcher(params, opts) {
    // GraphiQL re-parses the editor 100 ms after the last keystroke, so a quick Ctrl+Enter
    // hands over the previous document and a subscription would go over HTTP: parse
    // what is actually sent (syntax errors are left to the server to report).
    try {
      opts = Object.assign({}, opts, { documentAST: GraphiQL.GraphQL.parse(params.query) });
    } catch (e) {}
    var creds = credentials(opts && opts.headers);
    var key = JSON.stringify(creds);
    if (!fetchers[key]) {
      fetchers[key] = GraphiQL.createFetcher({
        url: endpoint,
        wsClient: graphqlWs.createClient({
          url: wsUrl,
          connectionParams: creds,
          // Reconnect after a dropped socket, but report a rejected credential at once.
          shouldRetry: function (e) { return !!e && typeof e.code === 'number' && e.code !== 4403; }
        })
      });
    }
    return fetchers[key](params, opts);
  }

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
      defaultHeaders: '{}',
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true
      // Docs explorer and History are GraphiQL 3's built-in plugins.
    })
  );
})();
`;

const PAGE_CSS = `html, body, #graphiql { height: 100%; margin: 0; }\n`;

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // Radix dialogs in GraphiQL (settings, search) inject <style> tags (react-style-singleton).
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:", // graphiql.min.css inlines its fonts as data: URIs
  "connect-src 'self' ws: wss:", // ws/wss: subscriptions (older browsers' 'self' skips ws:)
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

type Asset = { file: string; version: string } | { body: string; type: string; version: string };

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function playgroundRouter(options: { endpoint: string }): Router {
  const { endpoint } = options;
  const react = packageVersion('react');
  const reactDom = packageVersion('react-dom');
  const graphiql = packageVersion('graphiql');
  const graphqlWs = packageVersion('graphql-ws');

  // Resolved once at startup: a missing package fails loudly here, not in the browser.
  const assets = new Map<string, Asset>(Object.entries({
    'react.production.min.js': { file: packageFile('react', 'umd/react.production.min.js'), version: react },
    'react-dom.production.min.js': {
      file: packageFile('react-dom', 'umd/react-dom.production.min.js'),
      version: reactDom,
    },
    'graphiql.min.js': { file: packageFile('graphiql', 'graphiql.min.js'), version: graphiql },
    'graphiql.min.css': { file: packageFile('graphiql', 'graphiql.min.css'), version: graphiql },
    // Source maps, only fetched when browser devtools are open.
    'graphiql.min.js.map': { file: packageFile('graphiql', 'graphiql.min.js.map'), version: graphiql },
    'graphiql.min.css.map': { file: packageFile('graphiql', 'graphiql.min.css.map'), version: graphiql },
    // Browser client for subscriptions (global graphqlWs), see BOOT_JS.
    'graphql-ws.min.js': { file: packageFile('graphql-ws', 'umd/graphql-ws.min.js'), version: graphqlWs },
    'boot.js': { body: BOOT_JS, type: 'js', version: hash(BOOT_JS) },
    'playground.css': { body: PAGE_CSS, type: 'css', version: hash(PAGE_CSS) },
  } satisfies Record<string, Asset>));
  const url = (name: string) => `${ASSETS_PREFIX}/${name}?v=${encodeURIComponent(assets.get(name)!.version)}`;

  const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>BAC-BOS playground</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${url('graphiql.min.css')}">
  <link rel="stylesheet" href="${url('playground.css')}">
</head>
<body>
  <div id="graphiql" data-endpoint="${escapeHtml(endpoint)}">Loading the playground…</div>
  <script src="${url('react.production.min.js')}"></script>
  <script src="${url('react-dom.production.min.js')}"></script>
  <script src="${url('graphiql.min.js')}"></script>
  <script src="${url('graphql-ws.min.js')}"></script>
  <script src="${url('boot.js')}"></script>
</body>
</html>
`;

  const router = express.Router();

  router.get(`${ASSETS_PREFIX}/:name`, (req, res, next) => {
    const asset = assets.get(req.params.name);
    if (!asset) return next();
    res.set('X-Content-Type-Options', 'nosniff');
    if ('file' in asset) return res.sendFile(asset.file, ASSET_CACHE);
    res.type(asset.type).set('Cache-Control', 'public, max-age=31536000, immutable').send(asset.body);
  });

  router.get(endpoint, (req, res, next) => {
    res.vary('Accept'); // same URL answers HTML or JSON depending on Accept
    // Browsers send "text/html,...,*/*;q=0.8"; curl sends "*/*" and GraphQL
    // clients send application/json, which both pick the first entry.
    if (req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html') {
      return next();
    }
    res
      .set({
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-cache',
      })
      .type('html')
      .send(html);
  });

  return router;
}

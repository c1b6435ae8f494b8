// POST /oauth/token: the OAuth 2.0 token endpoint (RFC 6749 section 3.2) for the client credentials
// grant (section 4.4), on the same origin as /graphql. This side speaks HTTP: the form body
// (application/x-www-form-urlencoded, each parameter at most once, empty ones omitted) and client
// authentication by HTTP Basic (section 2.3.1) or client_id/client_secret form parameters, never
// both. The identity subgraph decides (client, secret, grant type, scopes) and issues the token,
// behind its internal route, reached like any subgraph with a signed (anonymous) caller context.
import express from 'express';
import { CONTEXT_HEADER, REQUEST_ID_HEADER, anonymousCaller, requestIdOf, rootLogger, signCallerIdentity } from '@bacbos/common';

export interface OAuthTokenRouterOptions {
  /** The identity subgraph's base URL, e.g. http://127.0.0.1:4004 (a trailing /graphql is dropped). */
  identityUrl: string;
  internalContextSecret: string;
  /** How long to wait for the identity subgraph (default 10 s). */
  timeoutMs?: number;
}

const FORM = 'application/x-www-form-urlencoded';
/** The parameters this endpoint reads; each may appear once (section 3.2). Others are ignored. */
const PARAMS = ['grant_type', 'scope', 'client_id', 'client_secret'] as const;
/** Token responses carry credentials: never stored by a cache (section 5.1). */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
const BASIC_CHALLENGE = 'Basic realm="bacbos", charset="UTF-8"';
/** The identity subgraph answers an unknown client, a wrong secret and a revoked client alike. */
const INVALID_CLIENT = 'Client authentication failed';

type Answer = { status: number; body: Record<string, unknown>; challenge?: boolean };
const invalidRequest = (description: string): Answer => ({ status: 400, body: { error: 'invalid_request', error_description: description } });
const invalidBasicClient: Answer = { status: 401, body: { error: 'invalid_client', error_description: INVALID_CLIENT }, challenge: true };

function send(res: express.Response, answer: Answer): void {
  res.status(answer.status).set(NO_STORE);
  if (answer.challenge) res.set('WWW-Authenticate', BASIC_CHALLENGE);
  res.json(answer.body);
}

/** application/x-www-form-urlencoded decoding of one Basic credential half (section 2.3.1). */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** client_id and client_secret from `Authorization: Basic ...`, or null when malformed. */
function basicCredentials(authorization: string): { clientId: string; clientSecret: string } | null {
  const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(authorization);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

export function oauthTokenRouter(options: OAuthTokenRouterOptions): express.Router {
  const target = `${options.identityUrl.replace(/\/+$/, '').replace(/\/graphql$/, '')}/internal/oauth/token`;
  const log = rootLogger.child({ component: 'oauth-token' });
  const router = express.Router();
  const parseText = express.text({ type: FORM, limit: '16kb', defaultCharset: 'utf-8' });

  router.post('/oauth/token', async (req, res) => {
    const contentType = (req.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (contentType !== FORM) return send(res, invalidRequest(`Content-Type must be ${FORM}`));
    const parsed = await new Promise<boolean>((resolve) => parseText(req, res, (error?: unknown) => resolve(!error)));
    if (!parsed) return send(res, invalidRequest('Malformed request body'));
    const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
    const query = new URL(req.originalUrl, 'http://gateway').searchParams;
    if (query.has('client_secret')) return send(res, invalidRequest('Client credentials must not be sent in the URL'));
    const repeated = PARAMS.find((name) => form.getAll(name).length > 1);
    if (repeated) return send(res, invalidRequest(`Parameter ${repeated} is included more than once`));
    // Parameters sent without a value are treated as omitted (section 3.1).
    const param = (name: (typeof PARAMS)[number]) => form.get(name) || undefined;

    let clientAuth: 'client_secret_basic' | 'client_secret_post' | 'none' = 'none';
    let clientId = param('client_id');
    let clientSecret = param('client_secret');
    const authorization = req.get('authorization');
    if (authorization) {
      const basic = basicCredentials(authorization);
      if (!basic) return send(res, invalidBasicClient);
      if (clientSecret) return send(res, invalidRequest('Use one client authentication method: HTTP Basic or client_secret, not both'));
      if (clientId && clientId !== basic.clientId) return send(res, invalidRequest('client_id does not match the HTTP Basic credentials'));
      clientAuth = 'client_secret_basic';
      clientId = basic.clientId;
      clientSecret = basic.clientSecret;
    } else if (clientId || clientSecret) {
      clientAuth = 'client_secret_post';
    }

    try {
      const requestId = requestIdOf(res);
      const caller = anonymousCaller({ ipAddress: req.ip ?? null, userAgent: req.get('user-agent') ?? null, ...(requestId ? { requestId } : {}) });
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: await signCallerIdentity(caller, options.internalContextSecret), [REQUEST_ID_HEADER]: caller.requestId },
        body: JSON.stringify({ grant_type: param('grant_type'), scope: param('scope'), client_id: clientId, client_secret: clientSecret, client_auth: clientAuth }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
      // Relay only the token endpoint's own answers, never another error page of the subgraph.
      const relayable = body && ((response.status === 200 && typeof body.access_token === 'string') || ([400, 401].includes(response.status) && typeof body.error === 'string'));
      if (!relayable) {
        log.error({ status: response.status, requestId: caller.requestId }, 'unexpected answer from the identity token endpoint');
        return send(res, { status: 500, body: { error: 'server_error' } });
      }
      res.status(response.status).set(NO_STORE);
      const challenge = response.headers.get('www-authenticate');
      if (challenge) res.set('WWW-Authenticate', challenge);
      res.json(body);
    } catch (error) {
      log.error({ err: error, requestId: requestIdOf(res) }, 'identity token endpoint unreachable');
      send(res, { status: 503, body: { error: 'temporarily_unavailable' } });
    }
  });

  // The token endpoint takes POST only (section 3.2).
  router.all('/oauth/token', (_req, res) => {
    res.set('Allow', 'POST');
    send(res, { status: 405, body: { error: 'invalid_request', error_description: 'Use POST' } });
  });
  return router;
}

// The client credentials grant (RFC 6749 section 4.4) behind the gateway's POST /oauth/token. The
// gateway decodes the HTTP form and the Basic header; this decides: which client, whether its
// secret matches, which scopes, and issues and records the token. Answers are the RFC's: errors
// per section 5.2, success per section 5.1, never cached.
import { z } from 'zod';
import { CLIENT_TOKEN_TTL_SECONDS, hasPermission, issueClientAccessToken, PERMISSION_PATTERN, textProblem, withTenant, type CallerIdentity } from '@bacbos/common';
import type { IdentityDb } from '../../db';
import { secretMatches, sha256 } from './credentials';

/** What the gateway forwards (form parameters sent without a value are left out). */
export interface TokenRequest {
  grant_type?: string;
  scope?: string;
  client_id?: string;
  client_secret?: string;
  /** How the client authenticated: HTTP Basic, form parameters, or not at all. */
  client_auth: 'client_secret_basic' | 'client_secret_post' | 'none';
}

// Text PostgreSQL can take (no NUL): a client_id of "a%00b" was a 500 from the look-up.
const param = (max: number) => z.string().max(max).refine((text) => !textProblem(text)).optional();
const requestSchema = z.object({
  grant_type: param(200),
  scope: param(4000),
  client_id: param(1000),
  client_secret: param(1000),
  client_auth: z.enum(['client_secret_basic', 'client_secret_post', 'none']),
});

export type TokenErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope';

export interface TokenResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Token responses carry credentials: never stored by a cache (RFC 6749 section 5.1). */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

export function tokenError(error: TokenErrorCode, description: string, basic = false): TokenResponse {
  // A client that authenticated with HTTP Basic gets 401 and the scheme to use (section 5.2).
  const status = error === 'invalid_client' && basic ? 401 : 400;
  const headers: Record<string, string> = status === 401 ? { ...NO_STORE, 'WWW-Authenticate': 'Basic realm="bacbos", charset="UTF-8"' } : { ...NO_STORE };
  return { status, headers, body: { error, error_description: description } };
}

/** One answer for an unknown client, a wrong secret and a revoked client. */
export const INVALID_CLIENT = 'Client authentication failed';

export interface IssuedBy {
  db: IdentityDb;
  accessTokenSecret: string;
  now?: () => Date;
}

export async function clientCredentialsToken(raw: unknown, caller: CallerIdentity, deps: IssuedBy): Promise<TokenResponse> {
  const parsed = requestSchema.safeParse(raw);
  if (!parsed.success) return tokenError('invalid_request', 'Malformed token request');
  const request = parsed.data;
  const basic = request.client_auth === 'client_secret_basic';

  if (!request.grant_type) return tokenError('invalid_request', 'Missing parameter grant_type');
  if (request.grant_type !== 'client_credentials') return tokenError('unsupported_grant_type', 'Only grant_type client_credentials is supported');

  if (request.client_auth === 'none' || !request.client_id || !request.client_secret) return tokenError('invalid_client', INVALID_CLIENT, basic);
  const { client_id: clientId, client_secret: clientSecret } = request;
  // client_id is public and globally unique: it names the tenant (through a SECURITY DEFINER
  // look-up, as no tenant is known yet), and the client is then read under that tenant (RLS).
  const [found] = await deps.db.$queryRaw<{ tenant_id: string | null }[]>`SELECT identity.tenant_id_by_oauth_client_id(${clientId}) AS tenant_id`;
  const tenantId = found?.tenant_id ?? null;
  if (!tenantId) {
    secretMatches(clientSecret, null); // the same work as for a known client
    return tokenError('invalid_client', INVALID_CLIENT, basic);
  }
  return withTenant(tenantId, () => grant(request, clientId, clientSecret, caller, deps));
}

async function grant(request: TokenRequest, clientId: string, clientSecret: string, caller: CallerIdentity, deps: IssuedBy): Promise<TokenResponse> {
  const basic = request.client_auth === 'client_secret_basic';
  const client = await deps.db.oAuthClient.findUnique({ where: { clientId } });
  const matches = secretMatches(clientSecret, client?.clientSecretHash);
  if (!client || !matches || client.status !== 'active') return tokenError('invalid_client', INVALID_CLIENT, basic);
  if (!client.grantTypes.includes('client_credentials')) return tokenError('unauthorized_client', 'This client may not use the client_credentials grant');

  let scopes = client.scopes;
  if (request.scope !== undefined) {
    const requested = [...new Set(request.scope.split(' ').filter(Boolean))];
    // A subset of the client's scopes; `crm:read` is within a client's `crm:*` (or `*`).
    const refused = requested.filter((scope) => !PERMISSION_PATTERN.test(scope) || !hasPermission(client.scopes, scope));
    if (!requested.length || refused.length) return tokenError('invalid_scope', `The client may not request: ${refused.join(' ') || '(empty scope)'}`);
    scopes = requested;
  }

  const now = deps.now?.() ?? new Date();
  const { token, expiresAt, jti } = await issueClientAccessToken({ oauthClientId: client.id, tenantId: client.tenantId, scopes }, deps.accessTokenSecret, now);
  const recorded = await deps.db.$transaction(async (tx) => {
    // Locks the client row and re-checks its status: a revocation running right now either comes
    // first (no token) or waits for this commit and then revokes this token too.
    const { count } = await tx.oAuthClient.updateMany({ where: { id: client.id, status: 'active' }, data: { lastUsedAt: now } });
    if (count !== 1) return false;
    await tx.oAuthToken.create({
      data: {
        tenantId: client.tenantId, oauthClientId: client.id, tokenHash: sha256(jti), tokenType: 'access', userId: null, scopes, expiresAt,
        ipAddress: caller.ipAddress?.slice(0, 45) ?? null,
      },
    });
    return true;
  });
  if (!recorded) return tokenError('invalid_client', INVALID_CLIENT, basic);
  return {
    status: 200,
    headers: { ...NO_STORE },
    body: { access_token: token, token_type: 'Bearer', expires_in: CLIENT_TOKEN_TTL_SECONDS, scope: scopes.join(' ') },
  };
}

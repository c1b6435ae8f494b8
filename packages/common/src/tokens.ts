// Access tokens: short-lived JWTs issued by the platform subgraph (sign-up, log-in, refresh) and
// verified by the gateway on every request.
import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt, jwtVerify } from 'jose';
import { unauthenticated } from './errors';

const ISSUER = 'bacbos-platform';
const AUDIENCE = 'bacbos-api';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

export interface AccessTokenClaims {
  userId: string;
  tenantId: string;
  sessionId: string;
  permissions: string[];
  /** The tenant's enabled modules when the token was issued. */
  modules: string[];
  /** The user's e-mail address (for subgraphs that address users, e.g. mail). */
  email?: string;
}

const key = (secret: string) => new TextEncoder().encode(secret);

export async function issueAccessToken(claims: AccessTokenClaims, secret: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = new Date((issuedAt + ACCESS_TOKEN_TTL_SECONDS) * 1000);
  const token = await new SignJWT({ tid: claims.tenantId, sid: claims.sessionId, perms: claims.permissions, mods: claims.modules, email: claims.email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key(secret));
  return { token, expiresAt };
}

/** Throws UNAUTHENTICATED for a bad signature, a wrong issuer or audience, or an expired token. */
export async function verifyAccessToken(token: string, secret: string): Promise<AccessTokenClaims> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.tid !== 'string' || typeof payload.sid !== 'string' || !Array.isArray(payload.perms)) {
      throw new Error('malformed claims');
    }
    const modules = Array.isArray(payload.mods) ? payload.mods.map(String) : [];
    const email = typeof payload.email === 'string' ? payload.email : undefined;
    return { userId: payload.sub, tenantId: payload.tid, sessionId: payload.sid, permissions: payload.perms.map(String), modules, email };
  } catch {
    throw unauthenticated('Invalid or expired access token');
  }
}

/** Access tokens of OAuth clients (client credentials grant, RFC 6749 §4.4), issued by identity. */
const CLIENT_ISSUER = 'bacbos-identity';
export const CLIENT_TOKEN_TTL_SECONDS = 60 * 60;

export interface ClientTokenClaims {
  /** oauth_clients.id */
  oauthClientId: string;
  tenantId: string;
  /** The scopes granted: what the token can do, and nothing more. */
  scopes: string[];
}

export async function issueClientAccessToken(claims: ClientTokenClaims, secret: string, now = new Date()): Promise<{ token: string; expiresAt: Date; jti: string }> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = new Date((issuedAt + CLIENT_TOKEN_TTL_SECONDS) * 1000);
  const jti = randomUUID();
  const token = await new SignJWT({ tid: claims.tenantId, scope: claims.scopes.join(' '), kind: 'oauth_client' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.oauthClientId)
    .setIssuer(CLIENT_ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .setJti(jti)
    .sign(key(secret));
  return { token, expiresAt, jti };
}

export type VerifiedToken =
  | ({ kind: 'user' } & AccessTokenClaims)
  | ({ kind: 'oauth_client'; jti: string } & ClientTokenClaims);

/** Verifies either kind of bearer token; UNAUTHENTICATED for anything else. */
export async function verifyBearerToken(token: string, secret: string): Promise<VerifiedToken> {
  let issuer: unknown;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    throw unauthenticated('Invalid or expired access token');
  }
  if (issuer !== CLIENT_ISSUER) return { kind: 'user', ...(await verifyAccessToken(token, secret)) };
  try {
    const { payload } = await jwtVerify(token, key(secret), { issuer: CLIENT_ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.tid !== 'string' || typeof payload.scope !== 'string' || typeof payload.jti !== 'string') {
      throw new Error('malformed claims');
    }
    return { kind: 'oauth_client', oauthClientId: payload.sub, tenantId: payload.tid, scopes: payload.scope.split(' ').filter(Boolean), jti: payload.jti };
  } catch {
    throw unauthenticated('Invalid or expired access token');
  }
}

/**
 * An API key's secret: `bk_<12 hex>` (its visible prefix) `_<32 random bytes, base64url>`. The
 * gateway refuses anything else before asking the platform, which reads the prefix from it.
 */
export const API_KEY_SECRET = /^(bk_[0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

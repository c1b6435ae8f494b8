// Access tokens: short-lived JWTs issued by the platform subgraph (sign-up, log-in, refresh) and
// verified by the gateway on every request.
import { SignJWT, jwtVerify } from 'jose';
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
}

const key = (secret: string) => new TextEncoder().encode(secret);

export async function issueAccessToken(claims: AccessTokenClaims, secret: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = new Date((issuedAt + ACCESS_TOKEN_TTL_SECONDS) * 1000);
  const token = await new SignJWT({ tid: claims.tenantId, sid: claims.sessionId, perms: claims.permissions, mods: claims.modules })
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
    return { userId: payload.sub, tenantId: payload.tid, sessionId: payload.sid, permissions: payload.perms.map(String), modules };
  } catch {
    throw unauthenticated('Invalid or expired access token');
  }
}

// The gateway's fast path keeps its contracts: the caller header signed with node:crypto is an
// HS256 JWT any implementation (jose, which signed it before) reads, and the reverse; a tampered,
// foreign, unsigned or expired header is refused; a verified access token is served from the cache
// only until it expires.
import { SignJWT, jwtVerify } from 'jose';
import { anonymousCaller, issueAccessToken, signCallerIdentity, verifyCallerIdentity, type CallerIdentity } from '@bacbos/common';
import { VerifiedTokenCache } from './token-cache';
import { callerHeader } from './caller-header';

const secret = 'a-context-secret-of-at-least-32-characters';
const caller: CallerIdentity = {
  ...anonymousCaller({ ipAddress: '127.0.0.1', userAgent: 'jest' }),
  kind: 'user', tenantId: '6f1c1f0e-0000-4000-8000-000000000001', userId: '6f1c1f0e-0000-4000-8000-000000000002', permissions: ['crm:read'], modules: ['crm'],
};
const key = new TextEncoder().encode(secret);
const codeOf = (error: unknown) => (error as { extensions?: { code?: string } }).extensions?.code;

describe('the signed caller header', () => {
  it('is an HS256 JWT that jose verifies, and a jose-signed one verifies here', async () => {
    const header = await signCallerIdentity(caller, secret);
    const { payload, protectedHeader } = await jwtVerify(header, key, { issuer: 'bacbos-gateway', audience: 'bacbos-subgraphs', algorithms: ['HS256'] });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.caller).toEqual(caller);
    expect((payload.exp as number) - (payload.iat as number)).toBe(60);

    const fromJose = await new SignJWT({ caller }).setProtectedHeader({ alg: 'HS256' }).setIssuer('bacbos-gateway').setAudience('bacbos-subgraphs').setIssuedAt().setExpirationTime('60s').sign(key);
    await expect(verifyCallerIdentity(fromJose, secret)).resolves.toEqual(caller);
  });

  it('refuses a tampered payload, another secret, alg none, another audience, an expired header, garbage', async () => {
    const header = await signCallerIdentity(caller, secret);
    const [h, p, s] = header.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), caller: { ...caller, tenantId: 'another' } })).toString('base64url');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    const otherAudience = await new SignJWT({ caller }).setProtectedHeader({ alg: 'HS256' }).setIssuer('bacbos-gateway').setAudience('bacbos-api').setExpirationTime('60s').sign(key);
    const expired = await new SignJWT({ caller }).setProtectedHeader({ alg: 'HS256' }).setIssuer('bacbos-gateway').setAudience('bacbos-subgraphs').setExpirationTime(Math.floor(Date.now() / 1000) - 1).sign(key);
    for (const bad of [`${h}.${forged}.${s}`, none, otherAudience, expired, 'not-a-jwt', `${h}.${p}`, `${h}.${p}.${s}.x`, undefined]) {
      await expect(verifyCallerIdentity(bad, secret).catch(codeOf)).resolves.toBe('UNAUTHENTICATED');
    }
    await expect(verifyCallerIdentity(header, 'another-secret-of-at-least-32-characters!').catch(codeOf)).resolves.toBe('UNAUTHENTICATED');
  });

  it('is signed once per caller and reused by every fetch of its request', async () => {
    const first = callerHeader(caller, secret);
    expect(callerHeader(caller, secret)).toBe(first);
    await expect(verifyCallerIdentity(first, secret)).resolves.toEqual(caller);
    expect(callerHeader({ ...caller }, secret)).not.toBe(undefined);
  });
});

describe('the verified-token cache', () => {
  const tokenSecret = 'an-access-token-secret-of-32-characters!';
  const claims = { userId: caller.userId as string, tenantId: caller.tenantId as string, sessionId: '6f1c1f0e-0000-4000-8000-000000000003', permissions: ['*'], modules: ['crm'] };

  it('answers a valid token with its claims, again from the cache, and refuses a bad one', async () => {
    const cache = new VerifiedTokenCache(tokenSecret);
    const { token } = await issueAccessToken(claims, tokenSecret);
    const verified = await cache.verify(token);
    expect(verified).toMatchObject({ kind: 'user', userId: claims.userId, sessionId: claims.sessionId });
    await expect(cache.verify(token)).resolves.toBe(verified);
    await expect(cache.verify(`${token.slice(0, -2)}xx`).catch(codeOf)).resolves.toBe('UNAUTHENTICATED');
  });

  it('stops answering a cached token once it has expired', async () => {
    const cache = new VerifiedTokenCache(tokenSecret);
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await new SignJWT({ tid: claims.tenantId, sid: claims.sessionId, perms: claims.permissions, mods: claims.modules })
      .setProtectedHeader({ alg: 'HS256' }).setSubject(claims.userId).setIssuer('bacbos-platform').setAudience('bacbos-api').setIssuedAt().setExpirationTime(exp)
      .sign(new TextEncoder().encode(tokenSecret));
    await expect(cache.verify(token)).resolves.toMatchObject({ userId: claims.userId });
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
    await expect(cache.verify(token).catch(codeOf)).resolves.toBe('UNAUTHENTICATED');
  });
});

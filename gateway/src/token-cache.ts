// Verified bearer tokens, kept until they expire: a client sends the same access token with every
// request for its 15 minutes, and verifying it (jose, WebCrypto) was a large share of the gateway's
// CPU per request. Only the signature check is cached: revocation (session, OAuth client) and the
// tenant's state are still read from the shared store on every request (access.ts).
import { decodeJwt } from 'jose';
import { verifyBearerToken, type VerifiedToken } from '@bacbos/common';

/** Bounds the memory: ~1 KB per entry; past it the oldest entries go first. */
const MAX_ENTRIES = 10_000;

export class VerifiedTokenCache {
  private readonly entries = new Map<string, { token: VerifiedToken; expiresAtMs: number }>();

  constructor(private readonly secret: string) {}

  /** The token's claims, or UNAUTHENTICATED (bad signature, wrong issuer or audience, expired). */
  async verify(raw: string): Promise<VerifiedToken> {
    const hit = this.entries.get(raw);
    if (hit) {
      if (hit.expiresAtMs > Date.now()) return hit.token;
      this.entries.delete(raw);
    }
    const token = await verifyBearerToken(raw, this.secret);
    const { exp } = decodeJwt(raw);
    if (typeof exp === 'number') {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(raw, { token, expiresAtMs: exp * 1000 });
    }
    return token;
  }
}

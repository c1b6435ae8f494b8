// Whether a session or an OAuth client may still be used, as the gateways read it on every request.
// Postgres is the record (sessions.revoked_at, oauth_clients.status); the shared store is a cache of
// it with one key per credential, `active` or `revoked`:
// - the owner (platform for sessions, identity for OAuth clients) writes `revoked` unconditionally,
//   before its revocation commits (no revocation without every gateway seeing it) and again after;
// - a gateway that finds no key (never asked yet, or Redis emptied by a restart or a flush) asks the
//   owner, which reads Postgres, and caches the answer: `revoked` unconditionally, `active` only
//   when no key appeared meanwhile (SET NX), so a revocation written during its look-up wins.
// So an emptied Redis costs one look-up per credential, never a revoked token that works again.
import { ACCESS_TOKEN_TTL_SECONDS, CLIENT_TOKEN_TTL_SECONDS } from '../tokens';
import type { KeyValueStore } from './store';

export type CredentialStatus = 'active' | 'revoked';

export const sessionStateKey = (sessionId: string) => `session-state:${sessionId}`;
export const oauthClientStateKey = (clientId: string) => `oauth-client-state:${clientId}`;

/** As long as any token of the credential can live, plus a minute of clock skew. */
export const SESSION_STATE_TTL_SECONDS = ACCESS_TOKEN_TTL_SECONDS + 60;
export const OAUTH_CLIENT_STATE_TTL_SECONDS = CLIENT_TOKEN_TTL_SECONDS + 60;

/** The owner's write when revoking: overwrites whatever a gateway cached. */
export function markRevoked(kv: KeyValueStore, key: string, ttlSeconds: number): Promise<void> {
  return kv.set(key, 'revoked' satisfies CredentialStatus, ttlSeconds);
}

/**
 * A gateway's cache fill after asking the owner: `revoked` always, `active` only when no key
 * appeared meanwhile. Returns the status to act on (a revocation that raced the look-up wins).
 */
export async function cacheCredentialStatus(kv: KeyValueStore, key: string, status: CredentialStatus, ttlSeconds: number): Promise<CredentialStatus> {
  if (status === 'revoked') {
    await kv.set(key, status, ttlSeconds);
    return status;
  }
  if (await kv.setIfAbsent(key, status, ttlSeconds)) return status;
  return (await kv.get(key)) === 'active' ? 'active' : 'revoked';
}

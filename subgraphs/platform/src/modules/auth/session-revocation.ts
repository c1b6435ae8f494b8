// Ending sessions: one set of steps for log-out, revocation by an admin, a reused refresh token and
// a removed user, so every path records, publishes and propagates a revocation the same way.
import { recordChange } from '@bacbos/common';
import type { PlatformContext } from '../../context';
import type { Prisma } from '../../generated/prisma/client';

export interface SessionToRevoke {
  id: string;
  tenantId: string;
  userId: string;
}

/**
 * Inside the caller's transaction: marks each session revoked (unless a concurrent revocation got
 * there first), records `platform.session.revoked` in the outbox, and marks it in the shared store
 * before the commit. Without the store the revocation could not reach the gateways, so the whole
 * change fails (and is retried) rather than leave a revoked session usable. Returns the ids it revoked.
 */
export async function revokeSessions(
  tx: Prisma.TransactionClient, ctx: PlatformContext, sessions: SessionToRevoke[], action: string, reason?: string,
): Promise<string[]> {
  const revoked: string[] = [];
  const now = new Date();
  for (const session of sessions) {
    const { count } = await tx.session.updateMany({
      where: { id: session.id, tenantId: session.tenantId, revokedAt: null },
      data: { revokedAt: now, status: 'revoked' },
    });
    if (count === 0) continue;
    await recordChange(tx, ctx.caller, {
      type: 'platform.session.revoked', aggregateType: 'Session', aggregateId: session.id, action, tenantId: session.tenantId, userId: ctx.caller.userId ?? session.userId,
      changes: { status: { from: 'active', to: 'revoked' }, ...(reason ? { reason: { from: null, to: reason } } : {}) },
      data: { id: session.id, userId: session.userId },
    });
    await ctx.access.revokeSession(session.id);
    revoked.push(session.id);
  }
  return revoked;
}

/**
 * After the commit, each revocation is written again: a gateway that found the store emptied
 * between the first write and the commit read the session as active from Postgres and may have
 * cached that (credential-state.ts). Best effort: the first write already reached the store.
 */
export async function markRevokedAfterCommit(ctx: PlatformContext, sessionIds: string[]): Promise<void> {
  for (const sessionId of sessionIds) {
    await ctx.access.revokeSession(sessionId).catch((error: unknown) => ctx.log.warn({ err: error, sessionId }, 'could not re-mark a revoked session in the shared store'));
  }
}

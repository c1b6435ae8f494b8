// Credentials the platform revokes, announced as events: every consumer holding a caller's
// credential (the gateway's open WebSockets) ends what that credential opened, at once.
import type { CallerIdentity } from '../identity';
import type { EventEnvelope } from './envelope';

/** The callers whose credential this event revokes (null: the event revokes nothing). */
export function revokedCallers(event: EventEnvelope): ((caller: CallerIdentity) => boolean) | null {
  const ofTenant = (caller: CallerIdentity) => caller.tenantId === event.tenantId;
  switch (event.type) {
    case 'platform.session.revoked':
      return (caller) => ofTenant(caller) && caller.sessionId === event.aggregateId;
    case 'platform.api_key.revoked':
      return (caller) => ofTenant(caller) && caller.apiKeyId === event.aggregateId;
    default:
      return null;
  }
}

// What the gateway needs to know about a tenant and a credential on every request, kept in the
// key-value store (Redis; in-process for npm start) so every gateway instance sees a change on the
// very next request:
// - `tenant-state:<id>`: enabled modules, limits, time zone and status. The platform deletes the
//   entry whenever the tenant changes; the gateway refills it from GET /internal/tenant-state/:id.
// - `session-state:<id>`: `revoked` once a session is revoked, for as long as its access tokens
//   live; a gateway that finds no entry asks GET /internal/session-state/:tenant/:id (Postgres) and
//   caches the answer (packages/common/src/kv/credential-state.ts), so an emptied Redis forgets no
//   revocation. (Refresh tokens are checked against Postgres, the record, on every refresh.)
import { SESSION_STATE_TTL_SECONDS, markRevoked, sessionStateKey, type KeyValueStore } from '@bacbos/common';
import type { Tenant } from '../../generated/prisma/client';
import { effectiveLimits } from '../tenancy';

export interface TenantState {
  id: string;
  status: string;
  modules: string[];
  limits: Record<string, number>;
  timeZone: string;
}

export const tenantStateKey = (tenantId: string) => `tenant-state:${tenantId}`;

export function tenantState(tenant: Tenant): TenantState {
  const settings = (tenant.settings ?? {}) as { timeZone?: unknown };
  return {
    id: tenant.id,
    status: tenant.isDeleted ? 'deleted' : tenant.status,
    modules: tenant.enabledModules,
    limits: effectiveLimits(tenant),
    timeZone: typeof settings.timeZone === 'string' ? settings.timeZone : 'UTC',
  };
}

export class AccessState {
  constructor(private readonly kv: KeyValueStore) {}

  /** Call after a committed change of the tenant: the next request anywhere reads it fresh. */
  invalidateTenant(tenantId: string): Promise<void> {
    return this.kv.del(tenantStateKey(tenantId));
  }

  /**
   * Call before a session's revocation commits (it fails without the shared store) and again once
   * it has (revokedSession): its access tokens fail from the next request on every gateway.
   */
  revokeSession(sessionId: string): Promise<void> {
    return markRevoked(this.kv, sessionStateKey(sessionId), SESSION_STATE_TTL_SECONDS);
  }
}

// What the gateway needs to know about a tenant and a credential on every request, kept in the
// key-value store (Redis; in-process for npm start) so every gateway instance sees a change on the
// very next request:
// - `tenant-state:<id>`: enabled modules, limits, time zone and status. The platform deletes the
//   entry whenever the tenant changes; the gateway refills it from GET /internal/tenant-state/:id.
// - `revoked-session:<id>`: set when a session is revoked, for as long as its access tokens live.
//   (Refresh tokens are checked against Postgres, the record, on every refresh.)
import { ACCESS_TOKEN_TTL_SECONDS, type KeyValueStore } from '@bacbos/common';
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
export const revokedSessionKey = (sessionId: string) => `revoked-session:${sessionId}`;

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

  /** Call after a session's revocation committed: its access tokens fail from the next request. */
  revokeSession(sessionId: string): Promise<void> {
    return this.kv.set(revokedSessionKey(sessionId), '1', ACCESS_TOKEN_TTL_SECONDS + 60);
  }
}

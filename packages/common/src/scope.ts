// The one way a service scopes a query to the caller's tenant.
import { authorize, type CallerIdentity } from './identity';
import type { Permission } from './manifest';

/**
 * `where` restricted to the caller's tenant, once the caller holds `permission` (else UNAUTHENTICATED
 * or FORBIDDEN). Its `tenantId` is typed as the string it is, so callers never cast it.
 */
export function tenantScope<Where extends object = Record<string, never>>(caller: CallerIdentity, permission: Permission, where?: Where): Where & { tenantId: string } {
  return { ...(where ?? ({} as Where)), tenantId: authorize(caller, permission) };
}

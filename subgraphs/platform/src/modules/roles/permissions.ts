// Permission strings of roles: `*` (everything) or `<module>:<action>` (`crm:read`, `hr:*`, ...),
// in the one format of the manifest (PERMISSION_PATTERN), shared with API keys and OAuth scopes.
import { forbidden, hasPermission, isPermissionString, type CallerIdentity } from '@bacbos/common';

export const isPermission = isPermissionString;

/**
 * Nobody grants what they do not hold: a role (created, assigned or given on invite) may carry only
 * permissions the caller has, so an admin cannot make anyone, themself included, an owner.
 */
export function assertCanGrant(caller: CallerIdentity, permissions: readonly string[]): void {
  const beyond = permissions.filter((p) => !hasPermission(caller.permissions, p));
  if (beyond.length) throw forbidden(`You cannot grant permissions you do not hold: ${beyond.join(', ')}`);
}

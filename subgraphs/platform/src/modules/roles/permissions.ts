// Permission strings of roles: `*` (everything) or `<module>:<action>` (`crm:read`, `hr:*`, ...).
import { forbidden, hasPermission, type CallerIdentity } from '@bacbos/common';

export const PERMISSION_MODULES = ['platform', 'crm', 'office', 'hr', 'identity'] as const;

/** `*`, or `<module>:<action>` with a known module and an action of `[a-z_]` (or `*`, all actions). */
export const PERMISSION = new RegExp(`^(\\*|(${PERMISSION_MODULES.join('|')}):([a-z_]{1,50}|\\*))$`);

export const isPermission = (value: unknown): value is string => typeof value === 'string' && PERMISSION.test(value);

/**
 * Nobody grants what they do not hold: a role (created, assigned or given on invite) may carry only
 * permissions the caller has, so an admin cannot make anyone, themself included, an owner.
 */
export function assertCanGrant(caller: CallerIdentity, permissions: readonly string[]): void {
  const beyond = permissions.filter((p) => !hasPermission(caller.permissions, p));
  if (beyond.length) throw forbidden(`You cannot grant permissions you do not hold: ${beyond.join(', ')}`);
}

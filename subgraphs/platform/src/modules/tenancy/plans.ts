// Plans and what they allow. A tenant's `limits` are copied from its plan when it signs up or
// changes plan, so a later change to this table never silently changes an existing contract.
export interface Plan {
  id: string;
  monthlyCents: bigint;
  limits: { maxUsers: number; maxContacts: number; maxStorageBytes: number };
}

export const PLANS: Record<string, Plan> = {
  starter: { id: 'starter', monthlyCents: 0n, limits: { maxUsers: 5, maxContacts: 1_000, maxStorageBytes: 5 * 1024 ** 3 } },
  professional: { id: 'professional', monthlyCents: 4_900n, limits: { maxUsers: 50, maxContacts: 50_000, maxStorageBytes: 100 * 1024 ** 3 } },
  enterprise: { id: 'enterprise', monthlyCents: 29_900n, limits: { maxUsers: 1_000, maxContacts: 1_000_000, maxStorageBytes: 2 * 1024 ** 4 } },
};

export const TRIAL_DAYS = 14;
export const DEFAULT_MODULES = ['crm', 'office', 'hr', 'identity'];

/** The system roles every tenant gets at sign-up (shared/contract/README.md, "Tenancy and permissions"). */
export const SYSTEM_ROLES: { name: string; description: string; permissions: string[] }[] = [
  { name: 'owner', description: 'Full access, including billing', permissions: ['*'] },
  {
    name: 'admin',
    description: 'Administers users, roles and every module',
    permissions: ['platform:admin', 'platform:read', 'crm:read', 'crm:write', 'office:read', 'office:write', 'hr:read', 'hr:write', 'hr:approve', 'identity:read', 'identity:write'],
  },
  {
    name: 'member',
    description: 'Works with the data of every module',
    permissions: ['platform:read', 'crm:read', 'crm:write', 'office:read', 'office:write', 'hr:read', 'identity:read'],
  },
  { name: 'viewer', description: 'Reads everything, changes nothing', permissions: ['platform:read', 'crm:read', 'office:read', 'hr:read', 'identity:read'] },
];

// Plans and what they allow. A tenant's `limits` are copied from its plan when it signs up or
// changes plan, so a later change to this table never silently changes an existing contract.
import { GATED_MODULES, setting, systemRolePermissions, type PlanBudgets } from '@bacbos/common';

export interface Plan {
  id: string;
  monthlyCents: bigint;
  limits: { maxUsers: number; maxContacts: number; maxStorageBytes: number } & PlanBudgets;
}

export const PLANS: Record<string, Plan> = {
  starter: {
    id: 'starter', monthlyCents: 0n,
    limits: { maxUsers: 5, maxContacts: 1_000, maxStorageBytes: 5 * 1024 ** 3, operationsPerMinute: 600, costPerMinute: 100_000, apiKeyCostPerMinute: 50_000, maxWebSockets: 25 },
  },
  professional: {
    id: 'professional', monthlyCents: 4_900n,
    limits: { maxUsers: 50, maxContacts: 50_000, maxStorageBytes: 100 * 1024 ** 3, operationsPerMinute: 3_000, costPerMinute: 500_000, apiKeyCostPerMinute: 250_000, maxWebSockets: 250 },
  },
  enterprise: {
    id: 'enterprise', monthlyCents: 29_900n,
    limits: { maxUsers: 1_000, maxContacts: 1_000_000, maxStorageBytes: 2 * 1024 ** 4, operationsPerMinute: 15_000, costPerMinute: 2_500_000, apiKeyCostPerMinute: 1_250_000, maxWebSockets: 2_500 },
  },
};

const BUDGETS: (keyof PlanBudgets)[] = ['operationsPerMinute', 'costPerMinute', 'apiKeyCostPerMinute', 'maxWebSockets'];

/**
 * The limits in force for a tenant: its stored limits, with the budgets of its plan where the
 * stored ones predate budgets, and the budgets multiplied by TENANT_BUDGET_SCALE. What
 * `tenant.limits` shows is what the gateway enforces (it reads the same through the tenant state).
 */
export function effectiveLimits(tenant: { plan: string; limits: unknown }): Record<string, number> {
  const stored = (tenant.limits ?? {}) as Record<string, number>;
  const plan = PLANS[tenant.plan] ?? PLANS.starter;
  const limits: Record<string, number> = { ...stored };
  const scale = setting('TENANT_BUDGET_SCALE');
  for (const budget of BUDGETS) limits[budget] = Math.round((stored[budget] ?? plan.limits[budget]) * scale);
  return limits;
}

export const TRIAL_DAYS = 14;
/** Sign-up enables every gated module of the manifest. */
export const DEFAULT_MODULES: string[] = [...GATED_MODULES];

/**
 * The system roles every tenant gets at sign-up (shared/contract/README.md, "Tenancy and
 * permissions"); their permissions are the manifest's (each module's actions name their roles).
 */
export const SYSTEM_ROLES: { name: string; description: string; permissions: string[] }[] = [
  { name: 'owner', description: 'Full access, including billing', permissions: systemRolePermissions('owner') },
  { name: 'admin', description: 'Administers users, roles and every module', permissions: systemRolePermissions('admin') },
  { name: 'member', description: 'Works with the data of every module', permissions: systemRolePermissions('member') },
  { name: 'viewer', description: 'Reads everything, changes nothing', permissions: systemRolePermissions('viewer') },
];

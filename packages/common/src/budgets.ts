// Per-minute budgets, counted in the shared key-value store (Redis) so every gateway instance
// counts against the same numbers: the gateway adds to them (gateway/src/budgets), the platform
// shows them in `tenant.usage`. One place for their keys and windows.

/** The per-minute budgets a plan sets, in `tenant.limits` beside maxUsers and the other counts. */
// A type (not an interface) so a plan's limits stay assignable to a JSON column.
export type PlanBudgets = {
  /** Operations per minute of the whole tenant (every user, API key and OAuth client). */
  operationsPerMinute: number;
  /** Summed query cost per minute of the whole tenant. */
  costPerMinute: number;
  /** Summed query cost per minute of one API key (its operations per minute are the key's rateLimit). */
  apiKeyCostPerMinute: number;
  /** Open WebSockets of the tenant at once, per gateway instance. */
  maxWebSockets: number;
};

export const BUDGET_WINDOW_SECONDS = 60;
/** signUp calls per address are counted per hour. */
export const SIGNUP_WINDOW_SECONDS = 3_600;

export const budgetKeys = {
  tenantOperations: (tenantId: string) => `budget:tenant:${tenantId}:operations`,
  tenantCost: (tenantId: string) => `budget:tenant:${tenantId}:cost`,
  apiKeyCost: (apiKeyId: string) => `budget:api-key:${apiKeyId}:cost`,
  addressAnonymous: (address: string) => `budget:address:${address}:anonymous`,
  addressSignUps: (address: string) => `budget:address:${address}:signups`,
};

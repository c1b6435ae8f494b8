// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { TenancyService } from './tenancy.service';
export { DEFAULT_MODULES, PLANS, SYSTEM_ROLES, TRIAL_DAYS, effectiveLimits, type Plan } from './plans';
export { tenancyResolvers } from './resolvers';

// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { BillingService, type ChangePlanResult } from './billing.service';
export { addMonths, periodEnd, type BillingInterval } from './pricing';
export { billingResolvers } from './resolvers';

// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { AccessState, tenantState, tenantStateKey, type TenantState } from './access-state';
export { accessRoutes } from './routes';

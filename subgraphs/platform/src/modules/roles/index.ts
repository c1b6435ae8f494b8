// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { RoleService } from './role.service';
export { assertCanGrant, isPermission } from './permissions';
export { roleResolvers } from './resolvers';

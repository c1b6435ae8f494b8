// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { UserService, type UserFilter } from './user.service';
export { COUNTED_USER, limitOf, lockTenant, withUsage, type Tx } from './tenant-lock';
export { userResolvers } from './resolvers';

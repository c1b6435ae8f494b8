// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { LeaveService, type LeaveFilter } from './leave.service';
export { leaveResolvers } from './resolvers';

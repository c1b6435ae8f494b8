// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { OrganizationService } from './organization.service';
export { organizationResolvers } from './resolvers';

// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { LeadService } from './lead.service';
export { leadResolvers } from './resolvers';

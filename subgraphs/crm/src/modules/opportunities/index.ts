// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { OpportunityService, type PipelineStage } from './opportunity.service';
export { opportunityResolvers } from './resolvers';

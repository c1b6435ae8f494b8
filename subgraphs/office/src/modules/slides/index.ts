// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { PresentationService, presentationSearchData } from './presentation.service';
export { slidesResolvers } from './resolvers';

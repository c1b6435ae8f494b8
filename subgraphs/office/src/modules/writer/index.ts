// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { DocumentService, type DocumentAccess, type DocumentFilter } from './document.service';
export { DocumentActivityService, type DocumentActivityView } from './activity.service';
export { writerResolvers } from './resolvers';

// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { DocumentService, type DocumentAccess, type DocumentFilter } from './document.service';
export { documentActivityStream, type DocumentActivityView } from './activity.stream';
export { writerResolvers } from './resolvers';

// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { ContactEventService, type ContactEventView } from './event.service';
export { eventResolvers } from './resolvers';

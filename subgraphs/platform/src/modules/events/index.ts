// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { PlatformEventService, type PlatformEventView } from './platform-event.service';
export { platformEventResolvers } from './resolvers';

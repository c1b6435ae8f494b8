// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { platformEventStream, type PlatformEventView } from './platform-events.stream';
export { platformEventResolvers } from './resolvers';

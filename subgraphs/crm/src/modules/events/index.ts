// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { contactEventStream, type ContactEventView } from './contact-events.stream';
export { eventResolvers } from './resolvers';

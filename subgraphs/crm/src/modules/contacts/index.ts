// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { ContactService } from './contact.service';
export { contactResolvers } from './resolvers';

// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { MailService } from './mail.service';
export { UserDirectory, type DirectoryUser } from './user-directory';
export { mailResolvers } from './resolvers';

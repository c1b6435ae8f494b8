// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { RemoteWorkService } from './remote-work.service';
export { remoteWorkResolvers } from './resolvers';

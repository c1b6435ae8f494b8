// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { DatabaseService } from './database.service';
export { DatabaseProvisioner, provisionerIntervalMs, type DatabaseMove } from './provisioner';
export { connectionStringOf } from './catalog';
export { DATABASE_STATUSES, type DatabaseStatus } from './state-machine';
export { databaseResolvers } from './resolvers';

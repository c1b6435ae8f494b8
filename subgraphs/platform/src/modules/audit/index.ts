// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { AuditService, type AuditLogFilter } from './audit.service';
export { AuditIngester } from './audit-ingester';
export { auditResolvers } from './resolvers';

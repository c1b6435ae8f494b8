import type { Resolvers } from '../../generated/graphql';

export const auditResolvers: Resolvers = {
  Query: {
    auditLogs: (_, args, ctx) => ctx.audit.list(args),
  },
  AuditLog: {
    user: (a, _, ctx) => (a.userId ? ctx.loaders.userById.load(a.userId) : null),
    changes: (a) => a.changes ?? {},
  },
};

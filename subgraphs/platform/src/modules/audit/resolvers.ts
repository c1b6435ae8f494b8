import type { PageArgs } from '@bacbos/common';
import type { PlatformContext } from '../../context';
import type { AuditLog } from '../../generated/prisma/client';
import type { AuditLogFilter } from './audit.service';

export const auditResolvers = {
  Query: {
    auditLogs: (_: unknown, args: PageArgs & { filter?: AuditLogFilter }, ctx: PlatformContext) => ctx.audit.list(args),
  },
  AuditLog: {
    user: (a: AuditLog, _: unknown, ctx: PlatformContext) => (a.userId ? ctx.loaders.userById.load(a.userId) : null),
    changes: (a: AuditLog) => a.changes ?? {},
  },
};

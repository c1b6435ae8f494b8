import { authorize, isUuid, paginate, type PageArgs } from '@bacbos/common';
import type { PlatformContext } from '../../context';
import type { AuditLog, Prisma } from '../../generated/prisma/client';

export interface AuditLogFilter {
  resourceType?: string | null;
  resourceId?: string | null;
  action?: string | null;
  userId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

const NO_MATCH = '00000000-0000-0000-0000-000000000000';

export class AuditService {
  constructor(private readonly ctx: PlatformContext) {}

  async list(args: PageArgs & { filter?: AuditLogFilter | null }) {
    const tenantId = authorize(this.ctx.caller, 'platform:admin');
    const f = args.filter ?? {};
    const where: Prisma.AuditLogWhereInput = { tenantId };
    if (f.resourceType) where.resourceType = f.resourceType;
    if (f.resourceId) where.resourceId = isUuid(f.resourceId) ? f.resourceId : NO_MATCH;
    if (f.action) where.action = f.action;
    if (f.userId) where.userId = isUuid(f.userId) ? f.userId : NO_MATCH;
    if (f.from || f.to) where.timestamp = { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lte: f.to } : {}) };
    return paginate<AuditLog>({
      args,
      sort: { field: 'timestamp', direction: 'desc', type: 'date' },
      fetch: ({ after, orderBy, take }) =>
        this.ctx.db.auditLog.findMany({ where: after ? { AND: [where, after] } : where, orderBy: orderBy as Prisma.AuditLogOrderByWithRelationInput[], take }),
      count: () => this.ctx.db.auditLog.count({ where }),
    });
  }
}

import { authorize, isUuid, paginate, type PageArgs } from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { Document, Prisma } from '../../generated/prisma/client';

export interface DocumentFilter {
  search?: string | null;
  ownerId?: string | null;
}

export class DocumentService {
  constructor(private readonly ctx: OfficeContext) {}

  private scope(permission: 'office:read' | 'office:write', where: Prisma.DocumentWhereInput = {}): Prisma.DocumentWhereInput {
    return { ...where, tenantId: authorize(this.ctx.caller, permission) };
  }

  async list(args: PageArgs & { filter?: DocumentFilter | null }) {
    const filter: Prisma.DocumentWhereInput = {};
    if (args.filter?.search?.trim()) filter.title = { contains: args.filter.search.trim(), mode: 'insensitive' };
    if (args.filter?.ownerId) filter.ownerId = isUuid(args.filter.ownerId) ? args.filter.ownerId : '00000000-0000-0000-0000-000000000000';
    const where = this.scope('office:read', filter);
    return paginate<Document>({
      args,
      sort: { field: 'createdAt', direction: 'desc', type: 'date' },
      fetch: ({ after, orderBy, take }) =>
        this.ctx.db.document.findMany({ where: after ? { AND: [where, after] } : where, orderBy: orderBy as Prisma.DocumentOrderByWithRelationInput[], take }),
      count: () => this.ctx.db.document.count({ where }),
    });
  }

  async get(id: string): Promise<Document | null> {
    this.scope('office:read');
    return isUuid(id) ? this.ctx.loaders.documentById.load(id) : null;
  }
}

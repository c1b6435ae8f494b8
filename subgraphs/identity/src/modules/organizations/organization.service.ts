import { authorize, isUuid } from '@bacbos/common';
import type { IdentityContext } from '../../context';
import type { Organization } from '../../generated/prisma/client';

export class OrganizationService {
  constructor(private readonly ctx: IdentityContext) {}

  private tenant(): string {
    return authorize(this.ctx.caller, 'identity:read');
  }

  async list(): Promise<Organization[]> {
    const tenantId = this.tenant();
    return this.ctx.db.organization.findMany({ where: { tenantId }, orderBy: [{ parentId: { sort: 'asc', nulls: 'first' } }, { name: 'asc' }, { id: 'asc' }] });
  }

  async get(id: string): Promise<Organization | null> {
    this.tenant();
    return isUuid(id) ? this.ctx.loaders.organizationById.load(id) : null;
  }

  async children(id: string): Promise<Organization[]> {
    this.tenant();
    return this.ctx.loaders.childrenByParentId.load(id);
  }

  /** Member user ids; the gateway resolves them to users through the platform subgraph. */
  async memberIds(id: string): Promise<string[]> {
    this.tenant();
    return this.ctx.loaders.memberIdsByOrganizationId.load(id);
  }
}

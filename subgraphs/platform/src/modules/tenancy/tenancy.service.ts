import { authorize, unauthenticated } from '@bacbos/common';
import type { PlatformContext } from '../../context';
import type { Tenant, User } from '../../generated/prisma/client';

/** The caller's tenant and its users. Every read goes through the caller's tenant. */
export class TenancyService {
  constructor(private readonly ctx: PlatformContext) {}

  async currentTenant(): Promise<Tenant | null> {
    const tenantId = authorize(this.ctx.caller, 'platform:read');
    return this.ctx.loaders.tenantById.load(tenantId);
  }

  /** The calling user; needs only a valid credential, no permission. */
  async me(): Promise<User | null> {
    const { tenantId, userId } = this.ctx.caller;
    if (!tenantId || !userId) throw unauthenticated();
    return this.ctx.loaders.userById.load(userId);
  }

  /** Entity reference from another subgraph: null for an id of another tenant. */
  async userReference(id: string): Promise<User | null> {
    return this.ctx.caller.tenantId ? this.ctx.loaders.userById.load(id) : null;
  }
}

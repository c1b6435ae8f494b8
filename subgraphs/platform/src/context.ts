import DataLoader from 'dataloader';
import { byId, type CallerIdentity, type KeyValueStore } from '@bacbos/common';
import type { PlatformDb, PublicUser } from './db';
import type { AccessState } from './modules/access';
import type { Role, Tenant } from './generated/prisma/client';

/** Built once per request (subgraph.ts): the caller, the database, the shared store, per-request loaders and each module's services. */
export type { PlatformContext } from './subgraph';

/** What lives as long as the subgraph process (one per instance), shared by every request. */
export interface PlatformDeps {
  db: PlatformDb;
  kv: KeyValueStore;
  /** Session revocations and tenant-state invalidation, shared with every gateway instance. */
  access: AccessState;
}

export interface PlatformLoaders {
  userById: DataLoader<string, PublicUser | null>;
  rolesByUserId: DataLoader<string, Role[]>;
  tenantById: DataLoader<string, Tenant | null>;
}

/** Every loader filters by the caller's tenant: an id of another tenant loads as null. */
export function createLoaders({ db }: PlatformDeps, caller: CallerIdentity): PlatformLoaders {
  const tenantId = caller.tenantId;
  return {
    userById: new DataLoader(async (ids) =>
      tenantId ? byId(ids, await db.user.findMany({ where: { id: { in: [...ids] }, tenantId } })) : ids.map(() => null),
    ),
    rolesByUserId: new DataLoader(async (userIds) => {
      if (!tenantId) return userIds.map(() => []);
      const links = await db.userRole.findMany({
        where: { userId: { in: [...userIds] }, role: { tenantId } },
        include: { role: true },
        orderBy: { role: { name: 'asc' } },
      });
      return userIds.map((id) => links.filter((l) => l.userId === id).map((l) => l.role));
    }),
    tenantById: new DataLoader(async (ids) =>
      tenantId ? byId(ids, await db.tenant.findMany({ where: { id: { in: [...ids].filter((id) => id === tenantId) } } })) : ids.map(() => null),
    ),
  };
}

import DataLoader from 'dataloader';
import { byId, type CallerIdentity, type KeyValueStore, type Logger } from '@bacbos/common';
import type { PlatformDb, PublicUser } from './db';
import type { AccessState } from './modules/access';
import { ApiKeyService } from './modules/apikeys';
import { AuditService } from './modules/audit';
import type { Role, Tenant } from './generated/prisma/client';
import { AuthService } from './modules/auth';
import { TenancyService } from './modules/tenancy';
import { BillingService } from './modules/billing';
import { DatabaseService } from './modules/databases';
import { RoleService } from './modules/roles';
import { UserService } from './modules/users';

/** Built once per request; loaders are per request so nothing is cached across callers. */
export interface PlatformContext {
  caller: CallerIdentity;
  db: PlatformDb;
  kv: KeyValueStore;
  /** Session revocations and tenant-state invalidation, shared with every gateway instance. */
  access: AccessState;
  log: Logger;
  loaders: PlatformLoaders;
  auth: AuthService;
  tenancy: TenancyService;
  users: UserService;
  roles: RoleService;
  billing: BillingService;
  databases: DatabaseService;
  apiKeys: ApiKeyService;
  audit: AuditService;
}

/** What lives as long as the subgraph process (one per instance), shared by every request. */
export interface PlatformDeps {
  db: PlatformDb;
  kv: KeyValueStore;
  access: AccessState;
}

export interface PlatformLoaders {
  userById: DataLoader<string, PublicUser | null>;
  rolesByUserId: DataLoader<string, Role[]>;
  tenantById: DataLoader<string, Tenant | null>;
}

/** Every loader filters by the caller's tenant: an id of another tenant loads as null. */
export function createLoaders(db: PlatformDb, caller: CallerIdentity): PlatformLoaders {
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

export function createPlatformContext(deps: PlatformDeps, caller: CallerIdentity, log: Logger): PlatformContext {
  const ctx = { caller, db: deps.db, kv: deps.kv, access: deps.access, log, loaders: createLoaders(deps.db, caller) } as PlatformContext;
  ctx.apiKeys = new ApiKeyService(ctx);
  ctx.audit = new AuditService(ctx);
  ctx.auth = new AuthService(ctx);
  ctx.tenancy = new TenancyService(ctx);
  ctx.users = new UserService(ctx);
  ctx.roles = new RoleService(ctx);
  ctx.billing = new BillingService(ctx);
  ctx.databases = new DatabaseService(ctx);
  return ctx;
}

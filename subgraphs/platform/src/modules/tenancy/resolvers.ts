import type { PlatformContext } from '../../context';
import type { Role, Tenant, User } from '../../generated/prisma/client';

export const tenancyResolvers = {
  Query: {
    me: (_: unknown, __: unknown, ctx: PlatformContext) => ctx.tenancy.me(),
    tenant: (_: unknown, __: unknown, ctx: PlatformContext) => ctx.tenancy.currentTenant(),
  },
  Mutation: {
    updateTenant: (_: unknown, args: { input: unknown }, ctx: PlatformContext) => ctx.tenancy.update(args.input),
  },
  Tenant: {
    __resolveReference: (ref: { id: string }, ctx: PlatformContext) =>
      ctx.caller.tenantId === ref.id ? ctx.loaders.tenantById.load(ref.id) : null,
    settings: (t: Tenant) => t.settings ?? {},
    limits: (t: Tenant) => t.limits ?? {},
    usage: (t: Tenant) => t.usage ?? {},
  },
  User: {
    __resolveReference: (ref: { id: string }, ctx: PlatformContext) => ctx.tenancy.userReference(ref.id),
    mfaEnabled: (u: User) => u.mfaEnabled ?? false,
    preferences: (u: User) => u.preferences ?? {},
    tenant: (u: User & { tenant?: Tenant }, _: unknown, ctx: PlatformContext) => u.tenant ?? ctx.loaders.tenantById.load(u.tenantId),
    roles: (u: User, _: unknown, ctx: PlatformContext) => ctx.loaders.rolesByUserId.load(u.id),
    sessions: (u: User, _: unknown, ctx: PlatformContext) => ctx.auth.sessionsOf(u.id),
  },
  Role: {
    isSystemRole: (r: Role) => r.isSystemRole ?? false,
  },
};

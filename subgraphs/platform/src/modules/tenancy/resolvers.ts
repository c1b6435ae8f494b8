import { budgetKeys } from '@bacbos/common';
import type { PlatformContext } from '../../context';
import { effectiveLimits } from './plans';
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
    limits: (t: Tenant) => effectiveLimits(t),
    // Stored counts, and this minute's budget use as every gateway counts it (shared store).
    usage: async (t: Tenant, _: unknown, ctx: PlatformContext) => {
      const [operations, cost] = await ctx.kv.mget([budgetKeys.tenantOperations(t.id), budgetKeys.tenantCost(t.id)]);
      return { ...((t.usage ?? {}) as Record<string, unknown>), operationsThisMinute: Number(operations ?? 0), costThisMinute: Number(cost ?? 0) };
    },
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

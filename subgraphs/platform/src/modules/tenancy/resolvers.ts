import { budgetKeys, existing } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';
import { effectiveLimits } from './plans';

export const tenancyResolvers: Resolvers = {
  Query: {
    me: (_, __, ctx) => ctx.tenancy.me(),
    tenant: (_, __, ctx) => ctx.tenancy.currentTenant(),
  },
  Mutation: {
    updateTenant: (_, args, ctx) => ctx.tenancy.update(args.input),
  },
  Tenant: {
    __resolveReference: (ref, ctx) =>
      ctx.caller.tenantId === ref.id ? ctx.loaders.tenantById.load(ref.id) : null,
    settings: (t) => t.settings ?? {},
    limits: (t) => effectiveLimits(t),
    // Stored counts, and this minute's budget use as every gateway counts it (shared store).
    usage: async (t, _, ctx) => {
      const [operations, cost] = await ctx.kv.mget([budgetKeys.tenantOperations(t.id), budgetKeys.tenantCost(t.id)]);
      return { ...((t.usage ?? {}) as Record<string, unknown>), operationsThisMinute: Number(operations ?? 0), costThisMinute: Number(cost ?? 0) };
    },
  },
  User: {
    __resolveReference: (ref, ctx) => ctx.tenancy.userReference(ref.id),
    mfaEnabled: (u) => u.mfaEnabled ?? false,
    preferences: (u) => u.preferences ?? {},
    tenant: (u, _, ctx) => u.tenant ?? existing(ctx.loaders.tenantById.load(u.tenantId), 'User.tenant'),
    roles: (u, _, ctx) => ctx.loaders.rolesByUserId.load(u.id),
    sessions: (u, _, ctx) => ctx.auth.sessionsOf(u.id),
  },
  Role: {
    isSystemRole: (r) => r.isSystemRole ?? false,
  },
};

import type { PlatformContext } from '../../context';
import type { ApiKey } from '../../generated/prisma/client';

export const apiKeyResolvers = {
  Query: {
    apiKeys: (_: unknown, __: unknown, ctx: PlatformContext) => ctx.apiKeys.list(),
  },
  Mutation: {
    createApiKey: (_: unknown, args: { input: unknown }, ctx: PlatformContext) => ctx.apiKeys.create(args.input),
    revokeApiKey: (_: unknown, args: { id: string }, ctx: PlatformContext) => ctx.apiKeys.revoke(args.id),
  },
  ApiKey: {
    rateLimit: (k: ApiKey) => k.rateLimit ?? 1000,
    isActive: (k: ApiKey) => k.isActive ?? true,
    usageStats: (k: ApiKey) => k.usageStats ?? {},
  },
};

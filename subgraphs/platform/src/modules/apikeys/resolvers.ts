import type { Resolvers } from '../../generated/graphql';

export const apiKeyResolvers: Resolvers = {
  Query: {
    apiKeys: (_, __, ctx) => ctx.apiKeys.list(),
  },
  Mutation: {
    createApiKey: (_, args, ctx) => ctx.apiKeys.create(args.input),
    revokeApiKey: (_, args, ctx) => ctx.apiKeys.revoke(args.id),
  },
  ApiKey: {
    rateLimit: (k) => k.rateLimit ?? 1000,
    isActive: (k) => k.isActive ?? true,
    usageStats: (k) => k.usageStats ?? {},
  },
};

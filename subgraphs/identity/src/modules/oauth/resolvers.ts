import type { Resolvers } from '../../generated/graphql';

export const oauthResolvers: Resolvers = {
  Query: {
    oauthClients: (_, __, ctx) => ctx.oauthClients.list(),
  },
  Mutation: {
    createOAuthClient: (_, args, ctx) => ctx.oauthClients.create(args.input),
    revokeOAuthClient: (_, args, ctx) => ctx.oauthClients.revoke(args.id),
  },
};

import type { IdentityContext } from '../../context';

export const oauthResolvers = {
  Query: {
    oauthClients: (_: unknown, __: unknown, ctx: IdentityContext) => ctx.oauthClients.list(),
  },
  Mutation: {
    createOAuthClient: (_: unknown, args: { input: unknown }, ctx: IdentityContext) => ctx.oauthClients.create(args.input),
    revokeOAuthClient: (_: unknown, args: { id: string }, ctx: IdentityContext) => ctx.oauthClients.revoke(args.id),
  },
};

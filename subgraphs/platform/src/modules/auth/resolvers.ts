import type { Resolvers } from '../../generated/graphql';

export const authResolvers: Resolvers = {
  Mutation: {
    signUp: (_, args, ctx) => ctx.auth.signUp(args.input),
    logIn: (_, args, ctx) => ctx.auth.logIn(args.input),
    refreshSession: (_, args, ctx) => ctx.auth.refreshSession(args.refreshToken),
    logOut: (_, __, ctx) => ctx.auth.logOut(),
    revokeSession: (_, args, ctx) => ctx.auth.revokeSession(args.id),
    enrollMfa: (_, __, ctx) => ctx.auth.enrollMfa(),
    confirmMfa: (_, args, ctx) => ctx.auth.confirmMfa(args.code),
  },
};

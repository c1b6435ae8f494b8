import type { PlatformContext } from '../../context';

export const authResolvers = {
  Mutation: {
    signUp: (_: unknown, args: { input: unknown }, ctx: PlatformContext) => ctx.auth.signUp(args.input),
    logIn: (_: unknown, args: { input: unknown }, ctx: PlatformContext) => ctx.auth.logIn(args.input),
    refreshSession: (_: unknown, args: { refreshToken: string }, ctx: PlatformContext) => ctx.auth.refreshSession(args.refreshToken),
    logOut: (_: unknown, __: unknown, ctx: PlatformContext) => ctx.auth.logOut(),
    revokeSession: (_: unknown, args: { id: string }, ctx: PlatformContext) => ctx.auth.revokeSession(args.id),
    enrollMfa: (_: unknown, __: unknown, ctx: PlatformContext) => ctx.auth.enrollMfa(),
    confirmMfa: (_: unknown, args: { code: string }, ctx: PlatformContext) => ctx.auth.confirmMfa(args.code),
  },
};

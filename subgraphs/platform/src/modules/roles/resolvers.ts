import type { PlatformContext } from '../../context';

export const roleResolvers = {
  Query: {
    roles: (_: unknown, __: unknown, ctx: PlatformContext) => ctx.roles.list(),
  },
  Mutation: {
    createRole: (_: unknown, args: { input: unknown }, ctx: PlatformContext) => ctx.roles.create(args.input),
    assignRole: (_: unknown, args: { userId: string; roleId: string }, ctx: PlatformContext) => ctx.roles.assign(args.userId, args.roleId),
  },
};

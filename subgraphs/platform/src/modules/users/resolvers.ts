import type { PageArgs } from '@bacbos/common';
import type { PlatformContext } from '../../context';
import type { UserFilter } from './user.service';

export const userResolvers = {
  Query: {
    users: (_: unknown, args: PageArgs & { filter?: UserFilter | null }, ctx: PlatformContext) => ctx.users.list(args),
  },
  Mutation: {
    inviteUser: (_: unknown, args: { input: unknown }, ctx: PlatformContext) => ctx.users.invite(args.input),
  },
};

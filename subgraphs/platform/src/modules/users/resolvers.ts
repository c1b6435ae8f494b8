import type { Resolvers } from '../../generated/graphql';

export const userResolvers: Resolvers = {
  Query: {
    users: (_, args, ctx) => ctx.users.list(args),
  },
  Mutation: {
    inviteUser: (_, args, ctx) => ctx.users.invite(args.input),
    removeUser: (_, args, ctx) => ctx.users.remove(args.id),
  },
};

import type { Resolvers } from '../../generated/graphql';

export const roleResolvers: Resolvers = {
  Query: {
    roles: (_, __, ctx) => ctx.roles.list(),
  },
  Mutation: {
    createRole: (_, args, ctx) => ctx.roles.create(args.input),
    assignRole: (_, args, ctx) => ctx.roles.assign(args.userId, args.roleId),
  },
};

import { userRef } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';

export const organizationResolvers: Resolvers = {
  Query: {
    organizations: (_, __, ctx) => ctx.organizations.list(),
  },
  Organization: {
    __resolveReference: (ref, ctx) => ctx.organizations.get(ref.id),
    parent: (o, _, ctx) => (o.parentId ? ctx.organizations.get(o.parentId) : null),
    children: (o, _, ctx) => ctx.organizations.children(o.id),
    members: async (o, _, ctx) => (await ctx.organizations.memberIds(o.id)).map((id) => userRef(id)),
  },
};

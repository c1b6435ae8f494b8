import type { IdentityContext } from '../../context';
import type { Organization } from '../../generated/prisma/client';

export const organizationResolvers = {
  Query: {
    organizations: (_: unknown, __: unknown, ctx: IdentityContext) => ctx.organizations.list(),
  },
  Organization: {
    __resolveReference: (ref: { id: string }, ctx: IdentityContext) => ctx.organizations.get(ref.id),
    parent: (o: Organization, _: unknown, ctx: IdentityContext) => (o.parentId ? ctx.organizations.get(o.parentId) : null),
    children: (o: Organization, _: unknown, ctx: IdentityContext) => ctx.organizations.children(o.id),
    members: async (o: Organization, _: unknown, ctx: IdentityContext) =>
      (await ctx.organizations.memberIds(o.id)).map((id) => ({ __typename: 'User', id })),
  },
};

import type { Resolvers } from '../../generated/graphql';

export const leadResolvers: Resolvers = {
  Query: {
    lead: (_, args, ctx) => ctx.leads.get(args.id),
  },
  Mutation: {
    createLead: (_, args, ctx) => ctx.leads.create(args.input),
    updateLead: (_, args, ctx) => ctx.leads.update(args.id, args.input),
    convertLead: (_, args, ctx) => ctx.leads.convert(args.id, args.input),
  },
  Lead: {
    __resolveReference: (ref, ctx) => ctx.leads.get(ref.id),
    tags: (l) => l.tags ?? [],
    // A reference the platform subgraph resolves (batched by the gateway into one _entities call).
    owner: (l) => (l.ownerId ? { __typename: 'User', id: l.ownerId } : null),
    contact: (l, _, ctx) => (l.contactId ? ctx.contacts.get(l.contactId) : null),
  },
  User: {
    __resolveReference: (ref) => ({ id: ref.id }),
    leads: (user, args, ctx) => ctx.leads.ownedBy(user.id, args),
  },
};

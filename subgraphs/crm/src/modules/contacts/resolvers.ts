import type { Resolvers } from '../../generated/graphql';

export const contactResolvers: Resolvers = {
  Query: {
    contacts: (_, args, ctx) => ctx.contacts.list(args),
    contact: (_, args, ctx) => ctx.contacts.get(args.id),
  },
  Mutation: {
    createContact: (_, args, ctx) => ctx.contacts.create(args.input),
    updateContact: (_, args, ctx) => ctx.contacts.update(args.id, args.input),
    deleteContact: (_, args, ctx) => ctx.contacts.delete(args.id),
  },
  Contact: {
    __resolveReference: (ref, ctx) => ctx.contacts.get(ref.id),
    tags: (c) => c.tags ?? [],
    leads: (c, _, ctx) => ctx.leads.ofContact(c.id),
    opportunities: (c, _, ctx) => ctx.opportunities.ofContact(c.id),
  },
};

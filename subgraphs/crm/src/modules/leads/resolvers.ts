import type { PageArgs } from '@bacbos/common';
import type { CrmContext } from '../../context';
import type { Lead } from '../../generated/prisma/client';

export const leadResolvers = {
  Query: {
    lead: (_: unknown, args: { id: string }, ctx: CrmContext) => ctx.leads.get(args.id),
  },
  Mutation: {
    createLead: (_: unknown, args: { input: unknown }, ctx: CrmContext) => ctx.leads.create(args.input),
    convertLead: (_: unknown, args: { id: string; input: unknown }, ctx: CrmContext) => ctx.leads.convert(args.id, args.input),
  },
  Lead: {
    __resolveReference: (ref: { id: string }, ctx: CrmContext) => ctx.leads.get(ref.id),
    tags: (l: Lead) => l.tags ?? [],
    // A reference the platform subgraph resolves (batched by the gateway into one _entities call).
    owner: (l: Lead) => (l.ownerId ? { __typename: 'User', id: l.ownerId } : null),
    contact: (l: Lead, _: unknown, ctx: CrmContext) => (l.contactId ? ctx.contacts.get(l.contactId) : null),
  },
  User: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    leads: (user: { id: string }, args: PageArgs, ctx: CrmContext) => ctx.leads.ownedBy(user.id, args),
  },
};

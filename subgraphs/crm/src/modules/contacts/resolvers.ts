import type { PageArgs } from '@bacbos/common';
import type { CrmContext } from '../../context';
import type { Contact } from '../../generated/prisma/client';
import type { ContactFilter, ContactOrder } from './contact.service';

export const contactResolvers = {
  Query: {
    contacts: (_: unknown, args: PageArgs & { filter?: ContactFilter; orderBy?: ContactOrder }, ctx: CrmContext) => ctx.contacts.list(args),
    contact: (_: unknown, args: { id: string }, ctx: CrmContext) => ctx.contacts.get(args.id),
  },
  Mutation: {
    createContact: (_: unknown, args: { input: unknown }, ctx: CrmContext) => ctx.contacts.create(args.input),
    updateContact: (_: unknown, args: { id: string; input: unknown }, ctx: CrmContext) => ctx.contacts.update(args.id, args.input),
    deleteContact: (_: unknown, args: { id: string }, ctx: CrmContext) => ctx.contacts.delete(args.id),
  },
  Contact: {
    __resolveReference: (ref: { id: string }, ctx: CrmContext) => ctx.contacts.get(ref.id),
    tags: (c: Contact) => c.tags ?? [],
    leads: (c: Contact, _: unknown, ctx: CrmContext) => ctx.leads.ofContact(c.id),
    opportunities: (c: Contact, _: unknown, ctx: CrmContext) => ctx.opportunities.ofContact(c.id),
  },
};

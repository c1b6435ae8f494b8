import type { CrmContext } from '../../context';
import type { Opportunity } from '../../generated/prisma/client';

export const opportunityResolvers = {
  Query: {
    opportunity: (_: unknown, args: { id: string }, ctx: CrmContext) => ctx.opportunities.get(args.id),
    pipeline: (_: unknown, __: unknown, ctx: CrmContext) => ctx.opportunities.pipeline(),
  },
  Mutation: {
    moveOpportunity: (_: unknown, args: { id: string; stage: string; probability?: number | null }, ctx: CrmContext) =>
      ctx.opportunities.move(args.id, args.stage, args.probability),
  },
  Opportunity: {
    __resolveReference: (ref: { id: string }, ctx: CrmContext) => ctx.opportunities.get(ref.id),
    productsServices: (o: Opportunity) => o.productsServices ?? [],
    lead: (o: Opportunity, _: unknown, ctx: CrmContext) => (o.leadId ? ctx.leads.get(o.leadId) : null),
    contact: (o: Opportunity, _: unknown, ctx: CrmContext) => (o.contactId ? ctx.contacts.get(o.contactId) : null),
  },
};

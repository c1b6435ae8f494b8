import type { Resolvers } from '../../generated/graphql';

export const opportunityResolvers: Resolvers = {
  Query: {
    opportunity: (_, args, ctx) => ctx.opportunities.get(args.id),
    pipeline: (_, __, ctx) => ctx.opportunities.pipeline(),
  },
  Mutation: {
    moveOpportunity: (_, args, ctx) => ctx.opportunities.move(args.id, args.stage, args.probability),
  },
  Opportunity: {
    __resolveReference: (ref, ctx) => ctx.opportunities.get(ref.id),
    productsServices: (o) => o.productsServices ?? [],
    lead: (o, _, ctx) => (o.leadId ? ctx.leads.get(o.leadId) : null),
    contact: (o, _, ctx) => (o.contactId ? ctx.contacts.get(o.contactId) : null),
  },
};

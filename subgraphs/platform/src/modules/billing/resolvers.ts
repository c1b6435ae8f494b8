import type { Resolvers } from '../../generated/graphql';

export const billingResolvers: Resolvers = {
  Query: {
    billingSubscription: (_, __, ctx) => ctx.billing.subscription(),
    invoices: (_, args, ctx) => ctx.billing.invoices(args),
    billingPlans: (_, __, ctx) => ctx.billing.plans(),
  },
  Mutation: {
    changePlan: (_, args, ctx) => ctx.billing.changePlan(args.input),
  },
  BillingSubscription: {
    items: (s) => s.items ?? [],
  },
  Invoice: {
    lines: (i) => i.lines ?? [],
  },
};

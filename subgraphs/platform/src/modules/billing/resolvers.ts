import type { PageArgs } from '@bacbos/common';
import type { PlatformContext } from '../../context';
import type { Invoice, Subscription } from '../../generated/prisma/client';

export const billingResolvers = {
  Query: {
    billingSubscription: (_: unknown, __: unknown, ctx: PlatformContext) => ctx.billing.subscription(),
    invoices: (_: unknown, args: PageArgs, ctx: PlatformContext) => ctx.billing.invoices(args),
    billingPlans: (_: unknown, __: unknown, ctx: PlatformContext) => ctx.billing.plans(),
  },
  Mutation: {
    changePlan: (_: unknown, args: { input: unknown }, ctx: PlatformContext) => ctx.billing.changePlan(args.input),
  },
  BillingSubscription: {
    items: (s: Subscription) => s.items ?? [],
  },
  Invoice: {
    lines: (i: Invoice) => i.lines ?? [],
  },
};

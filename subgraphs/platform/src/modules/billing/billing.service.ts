// The tenant's subscription, its invoices and plan changes. Billing data is read and changed with
// platform:admin only (owners and admins): members and viewers see neither prices nor invoices.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  appError, authorize, conflict, paginate, parseInput, recordChange, snapshot, type PageArgs, type SortSpec,
} from '@bacbos/common';
import type { PlatformContext } from '../../context';
import type { Invoice, Prisma, Subscription, Tenant } from '../../generated/prisma/client';
import { PLANS, type Plan } from '../tenancy';
import { COUNTED_USER, lockTenant, type Tx } from '../users';
import {
  BILLING_INTERVALS, CURRENCY, invoiceNumber, periodEnd, priceOf, taxFor, taxRateBasisPoints, type BillingInterval,
} from './pricing';

const changePlanSchema = z.object({
  planId: z.string().refine((id) => Object.hasOwn(PLANS, id), `unknown plan; one of ${Object.keys(PLANS).join(', ')}`),
  billingInterval: z.enum(BILLING_INTERVALS).nullish(),
});

/** Newest first; creation times are strictly increasing per tenant (see nextInvoiceTime). */
const INVOICE_SORT: SortSpec = { field: 'createdAt', type: 'date', direction: 'desc' };
const SUBSCRIPTION_FIELDS = ['id', 'planId', 'status', 'currentPeriodStart', 'currentPeriodEnd', 'amountCents', 'currency', 'billingInterval'];
const INVOICE_FIELDS = ['id', 'invoiceNumber', 'subtotalCents', 'taxCents', 'totalCents', 'currency', 'status'];

export interface ChangePlanResult {
  subscription: Subscription;
  invoice: Invoice;
  tenant: Tenant;
}

export class BillingService {
  constructor(private readonly ctx: PlatformContext) {}

  /** The one place that scopes billing rows to the caller's tenant. */
  private tenantId(permission: 'platform:read' | 'platform:admin' = 'platform:admin'): string {
    return authorize(this.ctx.caller, permission);
  }

  /** The tenant's current subscription: its latest one, or null before the first changePlan. */
  async subscription(): Promise<Subscription | null> {
    return this.ctx.db.subscription.findFirst({ where: { tenantId: this.tenantId() }, ...LATEST_FIRST });
  }

  async invoices(args: PageArgs) {
    const where: Prisma.InvoiceWhereInput = { tenantId: this.tenantId() };
    return paginate<Invoice>({
      args,
      sort: INVOICE_SORT,
      fetch: ({ after, orderBy, take }) =>
        this.ctx.db.invoice.findMany({ where: after ? { AND: [where, after] } : where, orderBy: orderBy as Prisma.InvoiceOrderByWithRelationInput[], take }),
      count: () => this.ctx.db.invoice.count({ where }),
    });
  }

  plans() {
    this.tenantId('platform:read');
    return Object.values(PLANS).map((p) => ({ id: p.id, monthlyCents: p.monthlyCents, yearlyCents: priceOf(p, 'year'), currency: CURRENCY, limits: p.limits }));
  }

  /**
   * One transaction, under the tenant's row lock: the subscription (updated, or created on the first
   * change) starts a new period now, the tenant takes the plan's id and limits, and a draft invoice
   * for that period gets the tenant's next invoice number. No proration: the invoice is the new
   * plan's full price for the period.
   */
  async changePlan(input: unknown): Promise<ChangePlanResult> {
    const tenantId = this.tenantId();
    const data = parseInput(changePlanSchema, input);
    const plan = PLANS[data.planId];
    const interval: BillingInterval = data.billingInterval ?? 'month';
    const result = await this.ctx.db.$transaction(async (tx) => {
      const tenant = await lockTenant(tx, tenantId);
      const current = await currentSubscription(tx, tenantId);
      if (current && current.status === 'active' && current.planId === plan.id && current.billingInterval === interval) {
        throw conflict(`The tenant is already on the ${plan.id} plan, billed every ${interval}`, 'planId');
      }
      const users = await tx.user.count({ where: { tenantId, ...COUNTED_USER } });
      if (users > plan.limits.maxUsers) {
        throw appError('PLAN_LIMIT_EXCEEDED', `The ${plan.id} plan allows ${plan.limits.maxUsers} users; the tenant has ${users}`, { limit: 'maxUsers', max: plan.limits.maxUsers });
      }
      const now = new Date();
      const end = periodEnd(now, interval);
      const amountCents = priceOf(plan, interval);
      const line = {
        planId: plan.id, billingInterval: interval, description: `${title(plan.id)} plan, billed every ${interval}`,
        quantity: 1, unitAmountCents: amountCents.toString(), amountCents: amountCents.toString(),
      };
      const period = { status: 'active', currentPeriodStart: now, currentPeriodEnd: end, amountCents, currency: CURRENCY, billingInterval: interval, items: [line] };
      const subscription = current
        ? await tx.subscription.update({ where: { id: current.id }, data: { planId: plan.id, ...period } })
        : await tx.subscription.create({ data: { id: randomUUID(), tenantId, planId: plan.id, ...period, createdAt: now } });
      const updatedTenant = await tx.tenant.update({ where: { id: tenantId }, data: { plan: plan.id, limits: plan.limits } });
      const invoice = await this.issueInvoice(tx, tenant, plan, amountCents, { ...line, periodStart: now.toISOString(), periodEnd: end.toISOString() });
      await recordChange(tx, this.ctx.caller, {
        type: 'platform.plan.changed', aggregateType: 'Tenant', aggregateId: tenantId, action: 'change_plan',
        changes: {
          plan: { from: tenant.plan, to: plan.id },
          limits: { from: tenant.limits, to: plan.limits },
          billingInterval: { from: current?.billingInterval ?? null, to: interval },
          amountCents: { from: current?.amountCents.toString() ?? null, to: amountCents.toString() },
        },
        data: {
          tenantId, plan: plan.id, limits: plan.limits,
          subscription: snapshot(subscription, SUBSCRIPTION_FIELDS),
          invoice: snapshot(invoice, INVOICE_FIELDS),
        },
      });
      // Also before the commit: a store that cannot take the invalidation fails the change (the
      // gateways would serve the old state for minutes); after it, for a refill in between.
      await this.ctx.access.invalidateTenant(tenantId);
      return { subscription, invoice, tenant: updatedTenant };
    });
    // Gateways cache the tenant's limits; the next request anywhere must see the new ones.
    await this.ctx.access.invalidateTenant(tenantId);
    return result;
  }

  /** Draft invoice with the tenant's next number; the caller holds the tenant's row lock. */
  private async issueInvoice(tx: Tx, tenant: Tenant, plan: Plan, subtotalCents: bigint, line: Record<string, unknown>): Promise<Invoice> {
    const [{ last }] = await tx.$queryRaw<{ last: bigint }[]>`
      SELECT COALESCE(MAX(substring(invoice_number FROM '([0-9]+)$')::bigint), 0)::bigint AS last
      FROM platform.invoices WHERE tenant_id = ${tenant.id}::uuid`;
    const taxCents = taxFor(subtotalCents, taxRateBasisPoints(tenant));
    return tx.invoice.create({
      data: {
        id: randomUUID(),
        tenantId: tenant.id,
        invoiceNumber: invoiceNumber(tenant, BigInt(last) + 1n),
        subtotalCents,
        taxCents,
        totalCents: subtotalCents + taxCents,
        currency: CURRENCY,
        status: 'draft',
        lines: [line] as Prisma.InputJsonValue,
        createdAt: await nextInvoiceTime(tx, tenant.id),
      },
    });
  }
}

const LATEST_FIRST = { orderBy: [{ createdAt: 'desc' as const }, { id: 'desc' as const }] };

function currentSubscription(db: Pick<Tx, 'subscription'>, tenantId: string): Promise<Subscription | null> {
  return db.subscription.findFirst({ where: { tenantId }, ...LATEST_FIRST });
}

/**
 * Now, or 1 ms after the tenant's latest invoice if that is not earlier: "newest first" then never
 * depends on the tie-breaking id, even for two plan changes within one millisecond.
 */
async function nextInvoiceTime(tx: Tx, tenantId: string): Promise<Date> {
  const latest = await tx.invoice.findFirst({ where: { tenantId }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
  const now = Date.now();
  return new Date(latest && latest.createdAt.getTime() >= now ? latest.createdAt.getTime() + 1 : now);
}

const title = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);

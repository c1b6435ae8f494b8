// Pure billing rules: prices, periods, tax and invoice numbers. Money is integer cents (bigint).
import type { Tenant } from '../../generated/prisma/client';
import type { Plan } from '../tenancy';

export const BILLING_INTERVALS = ['month', 'year'] as const;
export type BillingInterval = (typeof BILLING_INTERVALS)[number];
export const CURRENCY = 'USD';
/** A year costs ten months: two months free for paying yearly. */
export const YEARLY_MONTHS_CHARGED = 10n;

export function priceOf(plan: Plan, interval: BillingInterval): bigint {
  return interval === 'year' ? plan.monthlyCents * YEARLY_MONTHS_CHARGED : plan.monthlyCents;
}

/** Calendar months later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29), in UTC. */
export function addMonths(date: Date, months: number): Date {
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target;
}

export const periodEnd = (start: Date, interval: BillingInterval): Date => addMonths(start, interval === 'year' ? 12 : 1);

/**
 * The tenant's tax rate in basis points: `settings.taxRatePercent` (a number, or a numeric string,
 * from 0 to 100, at most two decimals, e.g. 8.25); 0 when unset or not such a number.
 */
export function taxRateBasisPoints(tenant: Pick<Tenant, 'settings'>): bigint {
  const raw = ((tenant.settings ?? {}) as Record<string, unknown>).taxRatePercent;
  const rate = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,3}(\.\d{1,2})?$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isFinite(rate) || rate < 0 || rate > 100) return 0n;
  return BigInt(Math.round(rate * 100));
}

/** Tax on a subtotal, rounded half up to the cent. */
export function taxFor(subtotalCents: bigint, basisPoints: bigint): bigint {
  return (subtotalCents * basisPoints + 5_000n) / 10_000n;
}

/**
 * `INV-<SLUG>-000001`: the tenant's slug (globally unique, so numbers are too) and its own sequence.
 * Slugs longer than 39 characters would pass the column's 50: their first 30 characters, `_` (which
 * no slug contains) and 8 hex digits of the tenant id stand in.
 */
export function invoicePrefix(tenant: Pick<Tenant, 'id' | 'slug'>): string {
  const slug = tenant.slug.toUpperCase();
  return slug.length <= 39 ? slug : `${slug.slice(0, 30)}_${tenant.id.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
}

export const invoiceNumber = (tenant: Pick<Tenant, 'id' | 'slug'>, sequence: bigint): string =>
  `INV-${invoicePrefix(tenant)}-${sequence.toString().padStart(6, '0')}`;

// The billing rules, beside their code: prices, periods, tax and invoice numbers, with no database.
import { PLANS } from '../tenancy';
import { addMonths, invoiceNumber, periodEnd, priceOf, taxFor, taxRateBasisPoints } from './pricing';

describe('prices', () => {
  it('charges a month its monthly price and a year ten months', () => {
    expect(priceOf(PLANS.professional, 'month')).toBe(4_900n);
    expect(priceOf(PLANS.professional, 'year')).toBe(49_000n);
    expect(priceOf(PLANS.starter, 'year')).toBe(0n);
  });
});

describe('periods', () => {
  it('adds calendar months clamped to the last day of the month, in UTC', () => {
    expect(addMonths(new Date('2027-01-31T10:00:00.000Z'), 1).toISOString()).toBe('2027-02-28T10:00:00.000Z');
    expect(addMonths(new Date('2028-01-31T10:00:00.000Z'), 1).toISOString()).toBe('2028-02-29T10:00:00.000Z');
    expect(addMonths(new Date('2026-11-25T10:00:00.000Z'), 12).toISOString()).toBe('2027-11-25T10:00:00.000Z');
    expect(addMonths(new Date('2026-12-15T23:59:59.999Z'), 1).toISOString()).toBe('2027-01-15T23:59:59.999Z');
  });

  it('ends a monthly period a month later and a yearly one twelve months later', () => {
    const start = new Date('2026-03-31T08:00:00.000Z');
    expect(periodEnd(start, 'month').toISOString()).toBe('2026-04-30T08:00:00.000Z');
    expect(periodEnd(start, 'year').toISOString()).toBe('2027-03-31T08:00:00.000Z');
  });
});

describe('tax', () => {
  it('rounds half up to the cent', () => {
    expect(taxFor(4_900n, 2_000n)).toBe(980n);
    expect(taxFor(5n, 1_000n)).toBe(1n); // 0.5 cent rounds up
    expect(taxFor(4n, 1_000n)).toBe(0n);
    expect(taxFor(299_000n, 825n)).toBe(24_668n); // 8.25 % of 2,990.00
  });

  it('reads settings.taxRatePercent from 0 to 100 with at most two decimals, else none', () => {
    expect(taxRateBasisPoints({ settings: { taxRatePercent: '19' } })).toBe(1_900n);
    expect(taxRateBasisPoints({ settings: { taxRatePercent: 8.25 } })).toBe(825n);
    expect(taxRateBasisPoints({ settings: { taxRatePercent: ' 7.5 ' } })).toBe(750n);
    expect(taxRateBasisPoints({ settings: { taxRatePercent: 150 } })).toBe(0n);
    expect(taxRateBasisPoints({ settings: { taxRatePercent: '-5' } })).toBe(0n);
    expect(taxRateBasisPoints({ settings: { taxRatePercent: '1.234' } })).toBe(0n);
    expect(taxRateBasisPoints({ settings: { taxRatePercent: 'lots' } })).toBe(0n);
    expect(taxRateBasisPoints({ settings: null })).toBe(0n);
  });
});

describe('invoice numbers', () => {
  const id = '0a1b2c3d-0000-4000-8000-000000000000';

  it('are INV-<SLUG>-<six-digit sequence>', () => {
    expect(invoiceNumber({ id, slug: 'acme' }, 7n)).toBe('INV-ACME-000007');
    expect(invoiceNumber({ id, slug: 'acme' }, 1_234_567n)).toBe('INV-ACME-1234567');
  });

  it('fit the 50-character column for the longest slugs, kept apart by the tenant id', () => {
    const long = invoiceNumber({ id, slug: 'a'.repeat(100) }, 1n);
    expect(long).toBe(`INV-${'A'.repeat(30)}_0A1B2C3D-000001`);
    expect(long.length).toBeLessThanOrEqual(50);
    expect(invoiceNumber({ id: '99999999-0000-4000-8000-000000000000', slug: 'a'.repeat(100) }, 1n)).not.toBe(long);
  });
});

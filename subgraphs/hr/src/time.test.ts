// Calendar arithmetic for attendance and leave, beside its code: the work day of an instant in a
// time zone, which zone decides it, and day counts.
import { anonymousCaller } from '@bacbos/common';
import { daysBetween, isTimeZone, localDay, maxDay, minDay, workZone, workingDays } from './time';

describe('the work day of an instant', () => {
  const instant = new Date('2026-03-02T23:30:00.000Z');

  it('is the calendar day in the zone: late evening UTC is already tomorrow in Tokyo, still today in New York', () => {
    expect(localDay(instant, 'UTC')).toBe('2026-03-02');
    expect(localDay(instant, 'Asia/Tokyo')).toBe('2026-03-03');
    expect(localDay(instant, 'America/New_York')).toBe('2026-03-02');
    expect(localDay(new Date('2026-03-03T03:00:00.000Z'), 'America/New_York')).toBe('2026-03-02');
  });

  it('falls back to UTC for a zone the runtime does not know', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(localDay(instant, 'Mars/Olympus_Mons')).toBe('2026-03-02');
  });

  it('is decided by the employee\'s own zone when set, else the tenant\'s, else UTC', () => {
    const caller = anonymousCaller({ timeZone: 'Europe/Paris' });
    expect(workZone(caller, { timeZone: 'Asia/Tokyo' })).toBe('Asia/Tokyo');
    expect(workZone(caller, { timeZone: null })).toBe('Europe/Paris');
    expect(workZone(caller, { timeZone: 'UTC' })).toBe('Europe/Paris');
    expect(workZone(anonymousCaller(), { timeZone: null })).toBe('UTC');
  });
});

describe('day counts', () => {
  it('counts calendar days between two dates, negative backwards, across a DST change', () => {
    expect(daysBetween('2026-03-02', '2026-03-02')).toBe(0);
    expect(daysBetween('2026-03-02', '2026-03-31')).toBe(29);
    expect(daysBetween('2026-03-31', '2026-03-02')).toBe(-29);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
  });

  it('counts Monday to Friday, both ends included', () => {
    expect(workingDays('2026-03-02', '2026-03-06')).toBe(5); // Monday to Friday
    expect(workingDays('2026-03-02', '2026-03-08')).toBe(5); // the weekend adds nothing
    expect(workingDays('2026-03-07', '2026-03-08')).toBe(0); // Saturday and Sunday
    expect(workingDays('2026-03-06', '2026-03-02')).toBe(0); // end before start
    expect(workingDays('2026-03-02', '2026-03-31')).toBe(22);
  });

  it('orders days', () => {
    expect(maxDay('2026-03-02', '2026-02-28')).toBe('2026-03-02');
    expect(minDay('2026-03-02', '2026-02-28')).toBe('2026-02-28');
  });
});

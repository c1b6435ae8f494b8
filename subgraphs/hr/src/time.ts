// Calendar arithmetic for attendance and leave. Instants are stored in UTC (TIMESTAMPTZ); work
// dates and leave dates are calendar days (DATE columns, carried by Prisma as midnight UTC).
import type { CallerIdentity } from '@bacbos/common';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True for an IANA zone name this runtime knows (`Europe/Paris`, `UTC`, ...). */
export function isTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function localDay(instant: Date, timeZone: string): string {
  const parts = formatterFor(isTimeZone(timeZone) ? timeZone : 'UTC').formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * The zone that decides an attendance record's work `date` (the day a shift counts on): the
 * tenant's zone (`tenant.settings.timeZone`, default UTC), which the gateway forwards in the caller
 * identity; an employee whose own `time_zone` is set to something other than UTC (someone working
 * from another country) counts in that zone instead.
 */
export function workZone(caller: CallerIdentity, employee: { timeZone: string | null }): string {
  if (employee.timeZone && employee.timeZone !== 'UTC') return employee.timeZone;
  return caller.timeZone ?? 'UTC';
}

export const dayToDate = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

/** The YYYY-MM-DD of a DATE column value. */
export const dateToDay = (date: Date): string => date.toISOString().slice(0, 10);

const DAY_MS = 86_400_000;

/** Calendar days from `start` to `end` (0 when equal, negative when end is before start). */
export function daysBetween(start: string, end: string): number {
  return Math.round((dayToDate(end).getTime() - dayToDate(start).getTime()) / DAY_MS);
}

/** Monday-to-Friday days from `start` to `end`, both included (0 when end is before start). */
export function workingDays(start: string, end: string): number {
  let count = 0;
  for (let t = dayToDate(start).getTime(); t <= dayToDate(end).getTime(); t += DAY_MS) {
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) count += 1;
  }
  return count;
}

/** The later / earlier of two YYYY-MM-DD days. */
export const maxDay = (a: string, b: string): string => (a > b ? a : b);
export const minDay = (a: string, b: string): string => (a < b ? a : b);

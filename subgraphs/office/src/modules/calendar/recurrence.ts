// Recurring events: RFC 5545 RRULEs through `rrule`, checked when written and expanded at a cost
// bounded by the window asked for, whatever the rule or the event's age.
//
// rrule walks every period from DTSTART until it passes the window, and until the year 9999 when
// the rule never matches (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30: 8 s). One agenda query over such an
// event, or over a FREQ=SECONDLY one from ten years ago, ran for minutes and stopped the office
// subgraph for every tenant. So:
// - a rule is accepted with FREQ DAILY, WEEKLY, MONTHLY or YEARLY and without BYHOUR, BYMINUTE or
//   BYSECOND (occurrences at the event's own time, which is what calendar apps offer), COUNT at
//   most MAX_COUNT, and only if its first occurrence (and with COUNT its last) is found within
//   the budget;
// - an expansion restarts the rule at the start of the period holding the window's start (the
//   same INTERVAL phase, and the defaults rrule takes from DTSTART made explicit), so it produces
//   exactly the original's occurrences from there on; COUNT becomes the last occurrence, found
//   once when the rule was written;
// - every check and expansion runs under EXPANSION_BUDGET_MS (common's withinTimeBudget), so a
//   rule stored before these checks cannot stop the process either: the caller leaves it out and
//   logs it.
import { RRule, type Options as RRuleOptions } from 'rrule';
import { TimeBudgetExceeded, withinTimeBudget } from '@bacbos/common';

/**
 * Wall-clock time one expansion or check may take. A rule that passed the checks needs at most a
 * few ms (at worst the 400-year Gregorian cycle, ~0.3 s, for a rule that matches that rarely);
 * a rule that never matches needs until the year 9999 (8 s for a daily one).
 */
export const EXPANSION_BUDGET_MS = 1_000;
export const MAX_COUNT = 5_000;
const DAY_MS = 86_400_000;

export type RuleOptions = Partial<RRuleOptions>;

/** Parses an RFC 5545 RRULE (what is stored; `checkRecurrence` adds what a new rule must meet). */
export function parseRecurrence(text: string): { normalized: string; options: RuleOptions } {
  const normalized = text.trim().replace(/^RRULE:/i, '').toUpperCase();
  if (!/(^|;)FREQ=(YEARLY|MONTHLY|WEEKLY|DAILY|HOURLY|MINUTELY|SECONDLY)(;|$)/.test(normalized)) throw new Error('needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY');
  if (/(^|;)DTSTART/.test(normalized) || normalized.includes('\n')) throw new Error('must be a single RRULE without DTSTART');
  const options = RRule.parseString(normalized);
  if (options.interval !== undefined && (!Number.isInteger(options.interval) || options.interval < 1)) throw new Error('INTERVAL must be a positive integer');
  if (options.count !== undefined && options.count !== null && (!Number.isInteger(options.count) || options.count < 1)) throw new Error('COUNT must be a positive integer');
  if (options.count && options.until) throw new Error('COUNT and UNTIL cannot both be given');
  return { normalized, options };
}

/** `job()`, or undefined when it needs more than EXPANSION_BUDGET_MS. */
function withinBudget<T>(job: () => T): T | undefined {
  try {
    return withinTimeBudget(EXPANSION_BUDGET_MS, job);
  } catch (error) {
    if (error instanceof TimeBudgetExceeded) return undefined;
    throw error;
  }
}

/**
 * A new event's rule, checked (the message says what is wrong), with its last occurrence when it
 * ends (COUNT, UNTIL; null when it goes on, or when UNTIL's last is more than ten years before it).
 */
export function checkRecurrence(text: string, startsAt: Date): { normalized: string; options: RuleOptions; lastOccurrenceAt: Date | null } {
  const { normalized, options } = parseRecurrence(text);
  if ((options.freq ?? RRule.YEARLY) > RRule.DAILY) throw new Error('FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY');
  if (present(options.byhour) || present(options.byminute) || present(options.bysecond)) {
    throw new Error('BYHOUR, BYMINUTE and BYSECOND are not supported: every occurrence starts at the time of startsAt');
  }
  if (options.count && options.count > MAX_COUNT) throw new Error(`COUNT may be at most ${MAX_COUNT}`);
  const rule = new RRule({ ...options, dtstart: startsAt });
  const first = withinBudget(() => rule.after(startsAt, true));
  if (!first) throw new Error('has no occurrence on or after startsAt');
  let lastOccurrenceAt: Date | null = null;
  if (options.count) {
    const all = withinBudget(() => rule.all());
    if (!all) throw new Error(`its ${options.count} occurrences could not be listed: use a smaller COUNT or UNTIL`);
    lastOccurrenceAt = all.at(-1) ?? null;
  } else if (options.until) {
    const until = options.until;
    lastOccurrenceAt = withinBudget(() => new RRule(restartedAt(options, startsAt, new Date(until.getTime() - 3_653 * DAY_MS))).before(until, true)) ?? null;
  }
  return { normalized, options, lastOccurrenceAt };
}

/**
 * The starts of a stored rule's occurrences in [from, to], at most `max`; undefined when the rule
 * needs more than the budget (only a rule stored before the checks above can).
 */
export function occurrencesBetween(
  event: { recurrence: string; startsAt: Date; lastOccurrenceAt: Date | null },
  from: Date,
  to: Date,
  max: number,
): Date[] | undefined {
  let { options } = parseRecurrence(event.recurrence);
  if (options.count && event.lastOccurrenceAt) {
    // The first COUNT occurrences are the rule's occurrences up to the COUNT-th.
    if (event.lastOccurrenceAt < from) return [];
    options = { ...options, count: null, until: event.lastOccurrenceAt };
  }
  const rule = new RRule(options.count ? { ...options, dtstart: event.startsAt } : restartedAt(options, event.startsAt, from));
  return withinBudget(() => rule.between(from, to, true, (_date, i) => i < max));
}

const present = (value: unknown) => value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);

/**
 * The rule restarted at the start of the last of its periods (every INTERVAL-th day, week, month
 * or year from DTSTART's) that begins on or before `at`, with what rrule derives from DTSTART
 * (time of day, and the weekday, day of month or month and day when no day is chosen) written
 * out: it yields exactly the original's occurrences from that period on. Sub-daily rules (stored
 * before the checks), COUNT rules and rules that start after `at` are returned as they are.
 */
export function restartedAt(options: RuleOptions, dtstart: Date, at: Date): RuleOptions & { dtstart: Date } {
  const freq = options.freq ?? RRule.YEARLY;
  const interval = options.interval ?? 1;
  // COUNT counts from DTSTART (occurrencesBetween turns it into the last occurrence first).
  if (freq > RRule.DAILY || options.count || at <= dtstart) return { ...options, dtstart };
  const wkst = typeof options.wkst === 'number' ? options.wkst : (options.wkst?.weekday ?? RRule.MO.weekday);
  const dayStart = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const weekday = (d: Date) => (d.getUTCDay() + 6) % 7; // rrule's: MO 0 … SU 6
  // Whole periods from DTSTART's to `at`'s, in multiples of INTERVAL, and where that period starts.
  let periods: number;
  let startOf: (n: number) => number;
  switch (freq) {
    case RRule.DAILY:
    case RRule.WEEKLY: {
      const length = (freq === RRule.DAILY ? 1 : 7) * DAY_MS;
      const periodStart = (d: Date) => dayStart(d) - (freq === RRule.WEEKLY ? ((weekday(d) - wkst + 7) % 7) * DAY_MS : 0);
      periods = Math.floor((periodStart(at) - periodStart(dtstart)) / length);
      startOf = (n) => periodStart(dtstart) + n * length;
      break;
    }
    case RRule.MONTHLY:
      periods = (at.getUTCFullYear() - dtstart.getUTCFullYear()) * 12 + at.getUTCMonth() - dtstart.getUTCMonth();
      startOf = (n) => Date.UTC(dtstart.getUTCFullYear(), dtstart.getUTCMonth() + n, 1);
      break;
    default:
      periods = at.getUTCFullYear() - dtstart.getUTCFullYear();
      startOf = (n) => Date.UTC(dtstart.getUTCFullYear() + n, 0, 1);
  }
  const skipped = Math.floor(periods / interval) * interval;
  // Still DTSTART's own period: only the original leaves out what comes before DTSTART in it.
  if (skipped <= 0) return { ...options, dtstart };
  // What rrule's parseOptions takes from DTSTART when the rule does not say.
  const explicit: RuleOptions = {
    ...options,
    byhour: present(options.byhour) ? options.byhour : [dtstart.getUTCHours()],
    byminute: present(options.byminute) ? options.byminute : [dtstart.getUTCMinutes()],
    bysecond: present(options.bysecond) ? options.bysecond : [dtstart.getUTCSeconds()],
  };
  const choosesDays = [options.byweekno, options.byyearday, options.bymonthday, options.byweekday, options.byeaster].some(present);
  if (!choosesDays) {
    if (freq === RRule.YEARLY) Object.assign(explicit, { bymonth: present(options.bymonth) ? options.bymonth : dtstart.getUTCMonth() + 1, bymonthday: dtstart.getUTCDate() });
    if (freq === RRule.MONTHLY) explicit.bymonthday = dtstart.getUTCDate();
    if (freq === RRule.WEEKLY) explicit.byweekday = [weekday(dtstart)];
  }
  // rrule gives every occurrence DTSTART's milliseconds.
  return { ...explicit, dtstart: new Date(startOf(skipped) + dtstart.getUTCMilliseconds()) };
}

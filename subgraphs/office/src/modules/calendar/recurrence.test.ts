// Recurrence expansion: restarting a rule near the window gives exactly the occurrences rrule
// gives from DTSTART; rules that would make rrule walk for seconds are refused when written and
// cut off by the budget when read (stored before the checks). The agenda over HTTP is in
// tests/e2e/office-calendar.test.ts.
import { RRule } from 'rrule';
import { EXPANSION_BUDGET_MS, checkRecurrence, occurrencesBetween, parseRecurrence, restartedAt } from './recurrence';

const DAY = 86_400_000;

/** A small deterministic generator, so a failure names a case that can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const RULES = [
  'FREQ=DAILY', 'FREQ=DAILY;INTERVAL=3', 'FREQ=DAILY;BYDAY=MO,WE,FR', 'FREQ=DAILY;INTERVAL=10;BYMONTH=1,7',
  'FREQ=WEEKLY', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH', 'FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=SU,SA', 'FREQ=WEEKLY;BYDAY=MO;BYSETPOS=1',
  'FREQ=MONTHLY', 'FREQ=MONTHLY;BYMONTHDAY=31', 'FREQ=MONTHLY;BYMONTHDAY=-1', 'FREQ=MONTHLY;INTERVAL=5;BYDAY=2TU', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
  'FREQ=YEARLY', 'FREQ=YEARLY;INTERVAL=4', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', 'FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO', 'FREQ=YEARLY;BYYEARDAY=1,100,-1',
  'FREQ=DAILY;UNTIL=20291231T000000Z', 'FREQ=WEEKLY;BYDAY=FR;COUNT=300',
];

describe('restartedAt', () => {
  it('gives the same occurrences as the rule from DTSTART, in any window after it', () => {
    const next = random(42);
    let compared = 0;
    for (const text of RULES) {
      const { options } = parseRecurrence(text);
      for (let n = 0; n < 12; n += 1) {
        const dtstart = new Date(Date.UTC(2000, 0, 1) + Math.floor(next() * 9_000) * DAY + Math.floor(next() * DAY));
        const from = new Date(dtstart.getTime() + Math.floor(next() * 4_000 * DAY) + Math.floor(next() * DAY));
        const to = new Date(from.getTime() + Math.floor(next() * 120 * DAY));
        const original = new RRule({ ...options, dtstart }).between(from, to, true);
        const restarted = new RRule(restartedAt(options, dtstart, from)).between(from, to, true);
        expect({ text, dtstart, from, to, dates: restarted }).toEqual({ text, dtstart, from, to, dates: original });
        compared += original.length;
      }
    }
    expect(compared).toBeGreaterThan(1_000); // the windows were not empty
  });

  it('starts close to the window: an expansion no longer walks from DTSTART', () => {
    const { options } = parseRecurrence('FREQ=DAILY;INTERVAL=7');
    const restarted = restartedAt(options, new Date('1900-01-01T09:30:00.250Z'), new Date('2026-12-07T00:00:00Z'));
    // The start of a period (keeping DTSTART's milliseconds, which rrule gives every occurrence).
    expect(restarted.dtstart.getTime()).toBeLessThanOrEqual(Date.parse('2026-12-07T00:00:00.250Z'));
    expect(restarted.dtstart.getUTCHours() + restarted.dtstart.getUTCMinutes()).toBe(0);
    expect(restarted.dtstart.getTime()).toBeGreaterThan(Date.parse('2026-11-30T00:00:00Z'));
  });
});

describe('checkRecurrence', () => {
  const startsAt = new Date('2026-01-05T09:00:00Z');
  it.each([
    ['FREQ=SECONDLY', /FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY/],
    ['FREQ=HOURLY;COUNT=3', /FREQ must be DAILY/],
    ['FREQ=DAILY;BYHOUR=9,17', /BYHOUR, BYMINUTE and BYSECOND are not supported/],
    ['FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', /has no occurrence/],
    ['FREQ=WEEKLY;BYDAY=MO;BYSETPOS=3', /has no occurrence/],
    ['FREQ=DAILY;COUNT=5001', /COUNT may be at most 5000/],
    ['FREQ=DAILY;UNTIL=20250101T000000Z', /has no occurrence/],
  ])('refuses %s, within the budget', (text, message) => {
    const started = process.hrtime.bigint();
    expect(() => checkRecurrence(text, startsAt)).toThrow(message);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(EXPANSION_BUDGET_MS + 2_000);
  });

  it('accepts what calendars offer, with the last occurrence of a rule that ends', () => {
    expect(checkRecurrence('FREQ=WEEKLY;BYDAY=MO;COUNT=10', startsAt).lastOccurrenceAt).toEqual(new Date('2026-03-09T09:00:00Z'));
    expect(checkRecurrence('RRULE:freq=monthly;bymonthday=15;until=20261231T235959Z', startsAt)).toMatchObject({
      normalized: 'FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20261231T235959Z', lastOccurrenceAt: new Date('2026-12-15T09:00:00Z'),
    });
    expect(checkRecurrence('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', startsAt).lastOccurrenceAt).toBeNull();
  });
});

describe('occurrencesBetween', () => {
  it('a COUNT rule ends at its last occurrence, found when it was written', () => {
    const startsAt = new Date('2020-01-06T09:00:00Z');
    const { lastOccurrenceAt } = checkRecurrence('FREQ=WEEKLY;COUNT=3', startsAt);
    const event = { recurrence: 'FREQ=WEEKLY;COUNT=3', startsAt, lastOccurrenceAt };
    expect(occurrencesBetween(event, new Date('2020-01-01'), new Date('2020-12-31'), 100)).toEqual([
      new Date('2020-01-06T09:00:00Z'), new Date('2020-01-13T09:00:00Z'), new Date('2020-01-20T09:00:00Z'),
    ]);
    expect(occurrencesBetween(event, new Date('2020-01-14'), new Date('2030-01-01'), 100)).toEqual([new Date('2020-01-20T09:00:00Z')]);
    expect(occurrencesBetween(event, new Date('2021-01-01'), new Date('2030-01-01'), 100)).toEqual([]);
  });

  it('a rule stored before the checks (years of FREQ=SECONDLY, or never matching) is cut off by the budget, not run for minutes', () => {
    const started = process.hrtime.bigint();
    const secondly = occurrencesBetween({ recurrence: 'FREQ=SECONDLY', startsAt: new Date('2016-01-01T00:00:00Z'), lastOccurrenceAt: null }, new Date('2026-12-07'), new Date('2026-12-08'), 2_000);
    const never = occurrencesBetween({ recurrence: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', startsAt: new Date('2026-01-01T00:00:00Z'), lastOccurrenceAt: null }, new Date('2026-12-07'), new Date('2026-12-08'), 2_000);
    expect([secondly, never]).toEqual([undefined, undefined]);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2 * EXPANSION_BUDGET_MS + 2_000);
  });

  it('a daily rule from 1900 expands a week of 2026 at once', () => {
    const dates = occurrencesBetween({ recurrence: 'FREQ=DAILY', startsAt: new Date('1900-01-01T09:00:00Z'), lastOccurrenceAt: null }, new Date('2026-12-07T00:00:00Z'), new Date('2026-12-14T00:00:00Z'), 2_000);
    expect(dates).toHaveLength(7);
    expect(dates![0]).toEqual(new Date('2026-12-07T09:00:00Z'));
  });
});

// The time limit for work a client's input decides: it stops a runaway job (library code too),
// and leaves everything else as it was.
import { TimeBudgetExceeded, withinTimeBudget } from './time-budget';

it('stops a job that runs past its budget with TimeBudgetExceeded, and returns what one within it returns', () => {
  const started = Date.now();
  let spins = 0;
  expect(() => withinTimeBudget(100, () => {
    for (;;) spins += 1;
  })).toThrow(TimeBudgetExceeded);
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(spins).toBeGreaterThan(0);
  expect(withinTimeBudget(100, () => 'done')).toBe('done');
  // Library code is stopped as well: a regular expression with catastrophic backtracking.
  expect(() => withinTimeBudget(100, () => /^(a+)+$/.test(`${'a'.repeat(40)}!`))).toThrow(TimeBudgetExceeded);
});

it('passes on the errors of the job, and can be used again after a stop', () => {
  expect(() => withinTimeBudget(100, () => {
    throw new RangeError('bad input');
  })).toThrow(RangeError);
  expect(() => withinTimeBudget(50, () => {
    for (;;);
  })).toThrow(TimeBudgetExceeded);
  expect(withinTimeBudget(100, () => [1, 2, 3].reduce((a, b) => a + b))).toBe(6);
});

// Overtime per work day, beside its code: a record's overtime is the part of its own minutes beyond
// the day's threshold once the day's earlier records are counted, so a day's records add up to
// max(0, day total - threshold) however the day is split.
import { overtimeOf } from './attendance.service';

describe('overtimeOf', () => {
  it('is nothing up to the threshold and the excess beyond it', () => {
    expect(overtimeOf(0, 480, 480)).toBe(0);
    expect(overtimeOf(0, 479, 480)).toBe(0);
    expect(overtimeOf(0, 500, 480)).toBe(20);
  });

  it('counts the minutes already worked that day: 5 h, then 4 h over an 8 h day is 1 h', () => {
    expect(overtimeOf(0, 300, 480)).toBe(0);
    expect(overtimeOf(300, 240, 480)).toBe(60);
    // Once the threshold is used up, a further record is all overtime.
    expect(overtimeOf(540, 30, 480)).toBe(30);
  });

  it('never exceeds the record\'s own minutes and is never negative', () => {
    expect(overtimeOf(1_000, 15, 480)).toBe(15);
    expect(overtimeOf(0, 0, 480)).toBe(0);
    expect(overtimeOf(0, 60, 0)).toBe(60);
  });

  it('adds up, over any split of a day, to the day total beyond the threshold', () => {
    const splits = [[480], [300, 240], [100, 100, 100, 100, 100, 100], [600, 30], [10, 470, 1], [240, 240, 240]];
    for (const threshold of [0, 240, 480, 510]) {
      for (const split of splits) {
        let before = 0;
        let overtime = 0;
        for (const worked of split) {
          overtime += overtimeOf(before, worked, threshold);
          before += worked;
        }
        expect(overtime).toBe(Math.max(0, before - threshold));
      }
    }
  });
});

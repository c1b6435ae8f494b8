// A seeded xorshift generator for the fuzzers: the same seed gives the same run, so a failure
// found in CI replays on any machine.
export function seededRandom(seed: number): { random: () => number; shuffle: <T>(items: T[]) => T[] } {
  let state = seed;
  const random = () => {
    state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
    return ((state >>> 0) % 1_000_000) / 1_000_000;
  };
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  };
  return { random, shuffle };
}

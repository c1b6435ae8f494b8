// Spreadsheet wildcards: the whole text, case ignored, `~` escapes, and no backtracking blow-up.
import { wildcardMatcher, wildcardSearch } from './wildcard';

it.each([
  ['*an*', 'Banana', true], ['an*', 'banana', false], ['?pple', 'APPLE', true], ['a?c', 'a.c', true], ['a.c', 'abc', false],
  ['x|.*', 'anything', false], ['~*', '*', true], ['~*', 'a', false], ['~?', '?', true], ['~~', '~', true], ['a~b', 'a~b', true],
  ['*', '', true], ['?', '', false], ['**a**', 'xa', true], ['a*b*c', 'aXbYc', true], ['a*b*c', 'aXbY', false], ['', '', true],
])('%s against %s: %s', (pattern, text, expected) => {
  expect(wildcardMatcher(pattern).test(text)).toBe(expected);
});

it('takes time in proportion to text × pattern, where a regular expression backtracks for minutes', () => {
  const text = 'a'.repeat(50_000);
  const started = process.hrtime.bigint();
  expect(wildcardMatcher(`${'*a'.repeat(12)}*b`).test(text)).toBe(false);
  expect(wildcardMatcher(`${'*a'.repeat(12)}*`).test(text)).toBe(true);
  expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2_000);
});

it.each([
  ['an', 'Banana', 0, 1], ['AN', 'banana', 2, 3], ['b?n', 'abanana', 0, 1], ['a.c', 'abc', 0, -1], ['(', 'a(b', 0, 1], ['*n', 'banana', 0, 0],
  ['n*a', 'banana', 0, 2], ['x', 'abc', 0, -1], ['~*', 'a*b', 0, 1], ['', 'abc', 1, 1], ['a*z', 'abc', 0, -1], ['?', 'abc', 2, 2],
])('SEARCH %s in %s from %i: %i', (pattern, text, from, expected) => {
  expect(wildcardSearch(pattern, text, from)).toBe(expected);
});

it('searches a long text for a pattern of many stars in proportion to text × pattern', () => {
  const started = process.hrtime.bigint();
  expect(wildcardSearch(`a${'*a'.repeat(12)}*b`, 'a'.repeat(50_000))).toBe(-1);
  expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2_000);
});

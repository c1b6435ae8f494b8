// Spreadsheet wildcards in criteria and lookups (COUNTIF, SUMIF, AVERAGEIF, VLOOKUP, HLOOKUP,
// MATCH): `*` any run of characters, `?` one character, `~*` `~?` `~~` the character itself,
// matched against the whole text, ignoring case, as spreadsheets do.
// Both libraries turned the pattern into a regular expression, which backtracks: COUNTIF(A1,
// "*a*a*b") over a 30,000-character cell ran for minutes (on the subgraph's only thread), and
// formulajs's MATCH left `.`, `|` and `^` unescaped. This matcher takes O(text × pattern) steps.

type Token = { any: true } | { one: true } | { char: string };

function tokens(pattern: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i];
    if (c === '~' && i + 1 < pattern.length && '*?~'.includes(pattern[i + 1])) out.push({ char: pattern[(i += 1)] });
    else if (c === '*') {
      if (!out.length || !('any' in out[out.length - 1])) out.push({ any: true });
    } else if (c === '?') out.push({ one: true });
    else out.push({ char: c.toLowerCase() });
  }
  return out;
}

/** Whether `text` (as text; case ignored) matches the wildcard `pattern` as a whole. */
export function wildcardMatches(pattern: Token[], text: string): boolean {
  const s = text.toLowerCase();
  let i = 0;
  let j = 0;
  let star = -1; // the last `*` seen, and where in the text it started matching
  let from = 0;
  while (i < s.length) {
    const t = pattern[j];
    if (t && ('one' in t || ('char' in t && t.char === s[i]))) {
      i += 1;
      j += 1;
    } else if (t && 'any' in t) {
      star = j;
      j += 1;
      from = i;
    } else if (star >= 0) {
      // Let the last `*` take one more character and try the rest again.
      j = star + 1;
      from += 1;
      i = from;
    } else {
      return false;
    }
  }
  while (j < pattern.length && 'any' in pattern[j]) j += 1;
  return j === pattern.length;
}

/** What the libraries expect of the RegExp they built: `test`. */
export function wildcardMatcher(pattern: string): { test(value: unknown): boolean } {
  const compiled = tokens(pattern);
  return { test: (value) => wildcardMatches(compiled, String(value ?? '')) };
}


/**
 * Where `pattern` first matches in `text` from `from` on (SEARCH: the match may end anywhere), or
 * -1. The pattern is cut at its `*`s into segments of characters and `?`s; each segment is taken
 * at its leftmost place after the previous one, which finds a match if there is one, and the
 * leftmost: O(text × pattern) steps.
 */
export function wildcardSearch(pattern: string, text: string, from = 0): number {
  const s = text.toLowerCase();
  const segments: Token[][] = [[]];
  for (const t of tokens(pattern)) {
    if ('any' in t) segments.push([]);
    else segments[segments.length - 1].push(t);
  }
  const at = (segment: Token[], i: number) => segment.every((t, k) => i + k < s.length && ('one' in t || ('char' in t && t.char === s[i + k])));
  const leftmost = (segment: Token[], i: number) => {
    for (let p = i; p + segment.length <= s.length; p += 1) if (at(segment, p)) return p;
    return -1;
  };
  const start = leftmost(segments[0], from);
  if (start < 0) return -1;
  let i = start + segments[0].length;
  for (const segment of segments.slice(1)) {
    const p = leftmost(segment, i);
    if (p < 0) return -1;
    i = p + segment.length;
  }
  return start;
}

// Query text and highlights, the same for every engine that does not highlight by itself: folding
// (lower case, no accents), the terms of a query, pg_trgm-style trigram similarity for typos, and
// HTML-safe snippets with <mark> around each matched word.
import type { SearchField, SearchHighlight } from './engine';

/** Most terms a query uses; the rest are ignored (a pasted paragraph stays cheap). */
export const MAX_TERMS = 10;
const MAX_TERM_LENGTH = 64;
/** Word similarity from which a misspelt word still matches (pg_trgm's scale, 0..1). */
export const TYPO_SIMILARITY = 0.3;

export const fold = (text: string): string => text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a query, folded, at most MAX_TERMS, each at most 64 characters. */
export function queryTerms(text: string): string[] {
  return [...new Set((fold(text).match(WORD) ?? []).map((t) => t.slice(0, MAX_TERM_LENGTH)))].slice(0, MAX_TERMS);
}

/** Every term as a prefix, all required: `'zeph':* & 'dup':*` (terms hold letters and digits only). */
export const prefixTsQuery = (terms: string[]): string => terms.map((t) => `'${t}':*`).join(' & ');

const trigrams = (word: string): Set<string> => {
  const padded = `  ${word} `;
  const set = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) set.add(padded.slice(i, i + 3));
  return set;
};

/** pg_trgm's similarity() of two single words. */
export function similarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return shared / (x.size + y.size - shared || 1);
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Whether a word of the text matches a query term: as a prefix, or close enough to be a typo. */
const matches = (word: string, terms: string[]) =>
  terms.some((t) => word.startsWith(t) || (t.length >= 3 && similarity(t, word) >= TYPO_SIMILARITY));

const SNIPPET_CHARS = 160;

/** The field's matched words in <mark>, HTML-escaped, cut to a window around the first match; null when nothing matched. */
export function snippet(text: string, terms: string[]): string | null {
  const spans: [number, number][] = [];
  for (const m of text.matchAll(WORD)) {
    if (matches(fold(m[0]), terms)) spans.push([m.index, m.index + m[0].length]);
  }
  if (!spans.length) return null;
  let start = 0;
  let end = text.length;
  if (text.length > SNIPPET_CHARS) {
    start = Math.max(0, spans[0][0] - 40);
    end = Math.min(text.length, start + SNIPPET_CHARS);
  }
  let out = start > 0 ? '…' : '';
  let at = start;
  for (const [s, e] of spans) {
    if (s < start || e > end) continue;
    out += `${escapeHtml(text.slice(at, s))}<mark>${escapeHtml(text.slice(s, e))}</mark>`;
    at = e;
  }
  out += escapeHtml(text.slice(at, end)) + (end < text.length ? '…' : '');
  return out;
}

export function highlightsOf(fields: Record<SearchField, string>, terms: string[]): SearchHighlight[] {
  const out: SearchHighlight[] = [];
  for (const field of ['title', 'subtitle', 'body'] as const) {
    const s = snippet(fields[field], terms);
    if (s) out.push({ field, snippet: s });
  }
  return out;
}

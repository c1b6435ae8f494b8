// The bound on the text an office event carries for the search index (EVENTS.md, "Fields for the
// search index"): a spreadsheet's cell text and a presentation's slide text are cut to their first
// SEARCH_TEXT_MAX_CHARS characters, so a large sheet or deck never makes a large event; words past
// the bound are not searchable.
export const SEARCH_TEXT_MAX_CHARS = 65_536;

/** The parts joined by spaces, empty ones skipped, cut to SEARCH_TEXT_MAX_CHARS. */
export function boundedText(parts: Iterable<string | null | undefined>): string {
  let out = '';
  for (const part of parts) {
    if (!part) continue;
    out += out ? ` ${part}` : part;
    if (out.length >= SEARCH_TEXT_MAX_CHARS) return out.slice(0, SEARCH_TEXT_MAX_CHARS);
  }
  return out;
}

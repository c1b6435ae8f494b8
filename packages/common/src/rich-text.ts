/**
 * The plain text of a rich-text JSON document (writer content): every `text` string of the tree,
 * else every string, in document order, at most 200,000 characters. The office writes it into its
 * document events; the search subgraph indexes it (and reads it so when it reindexes).
 */
export function plainText(content: unknown): string {
  const texts: string[] = [];
  const strings: string[] = [];
  const walk = (node: unknown, key: string | null) => {
    if (typeof node === 'string') {
      strings.push(node);
      if (key === 'text') texts.push(node);
    } else if (Array.isArray(node)) node.forEach((n) => walk(n, null));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, k);
  };
  walk(content, null);
  return (texts.length ? texts : strings).join(' ').slice(0, 200_000);
}

// Reads a Prometheus text exposition (what /metrics serves) for the tests.

export interface Scrape {
  text: string;
  /** Sum of every series of `name` whose labels include `labels` (undefined: no such series). */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Metric family names declared by `# TYPE` lines. */
  families(): string[];
}

export function parseScrape(text: string): Scrape {
  const series: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    series.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return {
    text,
    value(name, wanted = {}) {
      const hits = series.filter((s) => s.name === name && Object.entries(wanted).every(([k, v]) => s.labels[k] === v));
      return hits.length ? hits.reduce((sum, s) => sum + s.value, 0) : undefined;
    },
    families: () => [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]),
  };
}

/** GETs `<base>/metrics` of a server (base: its URL without /graphql). */
export async function scrape(base: string): Promise<Scrape> {
  const res = await fetch(`${base}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return parseScrape(await res.text());
}

export const baseOf = (graphqlUrl: string) => graphqlUrl.replace(/\/graphql$/, '');

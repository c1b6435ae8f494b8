// The OpenSearch engine against a real node (scripts/services.sh opensearch, or any node named by
// OPENSEARCH_URL): what is particular to it — the shared index's tenant routing, the position
// guard of its scripted writes and tombstones, cursors over node-rounded scores — and the
// behaviour users see (typos, prefixes, accents, highlights, facets, access lists). The engine
// contract suite (tests/search/engine.contract.test.ts) runs the common behaviour on both engines.
// Skipped only when OPENSEARCH_URL is unset.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@opensearch-project/opensearch';
import { OpenSearchEngine, type SearchDocument, type SearchType, type Visibility } from '@bacbos/search';

const url = process.env.OPENSEARCH_URL;
const describeIfOpenSearch = url ? describe : describe.skip;

const ALL: SearchType[] = ['CONTACT', 'LEAD', 'DOCUMENT', 'EMPLOYEE'];

describeIfOpenSearch('OpenSearch engine (OPENSEARCH_URL)', () => {
  // A private index per run: parallel runs share the node, not the index.
  const index = `bacbos-search-test-${process.pid}-${Date.now()}`;
  let engine: OpenSearchEngine;
  let raw: Client;

  const doc = (tenantId: string, over: Partial<SearchDocument> & { title: string }): SearchDocument => ({
    tenantId, type: 'CONTACT', id: randomUUID(), subtitle: '', body: '', readers: null, position: 1n, updatedAt: new Date().toISOString(), ...over,
  });
  const caller = (tenantId: string, over: Partial<Visibility> = {}): Visibility => ({ tenantId, userId: randomUUID(), types: ALL, unrestricted: [], ...over });
  const find = (v: Visibility, text: string, first = 20, types: SearchType[] = v.types) => engine.search({ text, visibility: v, types, first });
  const ids = (result: { hits: { id: string }[] }) => result.hits.map((h) => h.id);

  beforeAll(async () => {
    engine = new OpenSearchEngine(url!, { index });
    raw = new Client({ node: url! });
    await engine.init();
  });

  afterAll(async () => {
    await raw?.indices.delete({ index }).catch(() => undefined);
    await raw?.close();
    await engine?.close();
  });

  it('creates its index once (init is idempotent) with tenant routing required', async () => {
    await engine.init();
    const { body } = await raw.indices.getMapping({ index });
    expect(body[index].mappings._routing).toEqual({ required: true });
    expect(body[index].mappings.dynamic).toBe('strict');
    // A write that names no tenant routing is refused by the node itself.
    await expect(raw.index({ index, id: 'x', body: { tenantId: randomUUID(), title: 'no routing' } })).rejects.toThrow(/routing_missing|routing is required/);
    await engine.ping();
  });

  it('finds a misspelt word, a prefix and an accent-free spelling, and marks what matched', async () => {
    const t = randomUUID();
    const ada = doc(t, { title: 'Ada Lovelace', subtitle: 'ada@analytical.example', body: 'Notes on the <Analytical> Engine & its programs' });
    const zeph = doc(t, { title: 'Zéphyrine Dupont' });
    await engine.index([ada, zeph]);
    const v = caller(t);

    const typo = await find(v, 'Lovleace');
    expect(ids(typo)).toEqual([ada.id]);
    expect(typo.hits[0].highlights).toContainEqual({ field: 'title', snippet: 'Ada <mark>Lovelace</mark>' });

    expect(ids(await find(v, 'lovel'))).toEqual([ada.id]);
    expect(ids(await find(v, 'zephyrine dup'))).toEqual([zeph.id]);
    expect((await find(v, 'zephyrine dup')).hits[0].highlights).toEqual([{ field: 'title', snippet: '<mark>Zéphyrine</mark> <mark>Dupont</mark>' }]);

    // Body text is HTML-escaped around the marks.
    const body = await find(v, 'engine');
    expect(body.hits[0].highlights).toEqual([{ field: 'body', snippet: 'Notes on the &lt;Analytical&gt; <mark>Engine</mark> &amp; its programs' }]);

    // Every word must match: one that matches nothing empties the result.
    expect(await find(v, 'lovelace quixotic')).toEqual({ hits: [], totalCount: 0, facets: [], hasNextPage: false });
  });

  it("never shows one tenant's objects to another: not as a hit, a count, a facet or a suggestion", async () => {
    const a = randomUUID();
    const b = randomUUID();
    await engine.index([doc(a, { title: 'Quetzalcoatl Holdings' }), doc(a, { title: 'Quetzalcoatl Partners', type: 'LEAD' })]);
    await engine.index([doc(b, { title: 'Ordinary Company' })]);
    expect((await find(caller(a), 'quetzalcoatl')).totalCount).toBe(2);
    expect(await find(caller(b), 'quetzalcoatl')).toEqual({ hits: [], totalCount: 0, facets: [], hasNextPage: false });
    expect(await find(caller(b), 'quetzalcotl')).toEqual({ hits: [], totalCount: 0, facets: [], hasNextPage: false });
    expect(await engine.suggest({ prefix: 'quetz', visibility: caller(b), first: 5 })).toEqual([]);
    expect(await engine.count(b)).toBe(1);
    // Dropping B leaves A whole.
    await engine.dropTenant(b);
    expect(await engine.count(b)).toBe(0);
    expect(await engine.count(a)).toBe(2);
  });

  it('shows a restricted object only to its readers and to callers unrestricted for its type, and counts it only for them', async () => {
    const t = randomUUID();
    const owner = randomUUID();
    const colleague = randomUUID();
    const secret = doc(t, { type: 'DOCUMENT', title: 'Xylophone budget', readers: [owner], position: 10n });
    await engine.index([secret, doc(t, { title: 'Xylophone supplier' })]);

    const forColleague = await find(caller(t, { userId: colleague }), 'xylophone');
    expect(forColleague.hits.map((h) => h.type)).toEqual(['CONTACT']);
    expect(forColleague.totalCount).toBe(1);
    expect(forColleague.facets).toEqual([{ type: 'CONTACT', count: 1 }]);
    expect((await engine.suggest({ prefix: 'xylo', visibility: caller(t, { userId: colleague }), first: 5 })).map((s) => s.type)).toEqual(['CONTACT']);
    expect((await find(caller(t, { userId: null }), 'xylophone')).totalCount).toBe(1);

    expect((await find(caller(t, { userId: owner }), 'xylophone')).facets).toEqual([{ type: 'CONTACT', count: 1 }, { type: 'DOCUMENT', count: 1 }]);
    expect((await find(caller(t, { userId: colleague, unrestricted: ['DOCUMENT'] }), 'xylophone')).totalCount).toBe(2);

    // A share added, then an older share event replayed: the newer access list stays.
    await engine.setReaders({ tenantId: t, type: 'DOCUMENT', id: secret.id }, [owner, colleague], 12n);
    await engine.setReaders({ tenantId: t, type: 'DOCUMENT', id: secret.id }, [owner], 11n);
    expect((await find(caller(t, { userId: colleague }), 'xylophone')).totalCount).toBe(2);

    // The colleague is removed from the tenant: out of every access list at once.
    await engine.removeReader(t, colleague);
    expect((await find(caller(t, { userId: colleague }), 'xylophone')).totalCount).toBe(1);
    expect((await find(caller(t, { userId: owner }), 'xylophone')).totalCount).toBe(2);
    // A share of an object not indexed yet is a no-op, not an error.
    await engine.setReaders({ tenantId: t, type: 'DOCUMENT', id: randomUUID() }, [owner], 1n);
  });

  it('applies only newer states: replays, late writes and writes after a delete change nothing', async () => {
    const t = randomUUID();
    const v = caller(t);
    const contact = doc(t, { title: 'Wilhelmina Old', position: 5n });
    await engine.index([contact]);
    await engine.index([{ ...contact, title: 'Wilhelmina Stale', position: 4n }, { ...contact, title: 'Wilhelmina Same', position: 5n }]);
    expect((await find(v, 'wilhelmina')).hits[0].highlights[0].snippet).toBe('<mark>Wilhelmina</mark> Old');

    // Out of order and concurrent: the highest position wins, whatever arrives last.
    const positions = Array.from({ length: 12 }, (_, i) => BigInt(10 + i)).sort(() => Math.random() - 0.5);
    await Promise.all(positions.map((position) => engine.index([{ ...contact, title: `Wilhelmina V${position}`, position }])));
    expect((await find(v, 'wilhelmina')).hits[0].highlights[0].snippet).toBe('<mark>Wilhelmina</mark> V21');

    await engine.delete([{ tenantId: t, type: 'CONTACT', id: contact.id }], 30n);
    expect(await find(v, 'wilhelmina')).toEqual({ hits: [], totalCount: 0, facets: [], hasNextPage: false });
    expect(await engine.count(t)).toBe(0);
    // The tombstone holds off a late write at or before the delete, and a share of the deleted object.
    await engine.index([{ ...contact, title: 'Wilhelmina Ghost', position: 30n }, { ...contact, title: 'Wilhelmina Ghost', position: 29n }]);
    await engine.setReaders({ tenantId: t, type: 'CONTACT', id: contact.id }, null, 31n);
    expect((await find(v, 'wilhelmina')).totalCount).toBe(0);
    // A newer state (re-created) is found again.
    await engine.index([{ ...contact, title: 'Wilhelmina Back', position: 32n }]);
    expect(ids(await find(v, 'wilhelmina'))).toEqual([contact.id]);
    await expect(engine.index([{ ...contact, position: 2n ** 60n }])).rejects.toThrow(RangeError);
  });

  it('counts facets over every searchable type and filters hits and totals by the types asked', async () => {
    const t = randomUUID();
    await engine.index([
      doc(t, { title: 'Marigold one' }), doc(t, { title: 'Marigold two' }),
      doc(t, { type: 'LEAD', title: 'Marigold lead' }), doc(t, { type: 'EMPLOYEE', title: 'Marigold Person' }),
    ]);
    const v = caller(t);
    const leads = await find(v, 'marigold', 20, ['LEAD']);
    expect(leads.hits.map((h) => h.type)).toEqual(['LEAD']);
    expect(leads.totalCount).toBe(1);
    expect(leads.facets).toEqual([{ type: 'CONTACT', count: 2 }, { type: 'LEAD', count: 1 }, { type: 'EMPLOYEE', count: 1 }]);
    // A caller who may not search employees neither sees nor counts them.
    expect((await find(caller(t, { types: ['CONTACT', 'LEAD'] }), 'marigold')).facets).toEqual([{ type: 'CONTACT', count: 2 }, { type: 'LEAD', count: 1 }]);
    // first: 0 counts without hits.
    expect(await find(v, 'marigold', 0)).toEqual({ hits: [], totalCount: 4, facets: leads.facets, hasNextPage: true });
  });

  it('pages with stable cursors: every hit exactly once, in (score desc, key asc) order, also among equal scores', async () => {
    const t = randomUUID();
    const v = caller(t);
    // 23 equal titles (equal scores) and 7 that rank differently.
    await engine.index([
      ...Array.from({ length: 23 }, () => doc(t, { title: 'Periwinkle' })),
      ...Array.from({ length: 7 }, (_, i) => doc(t, { title: `Periwinkle ${'word '.repeat(i + 1)}`, body: 'periwinkle '.repeat(i) })),
    ]);
    const all = await find(v, 'periwinkle', 100);
    expect(all.hits).toHaveLength(30);
    const order = [...all.hits].sort((x, y) => y.score - x.score || (x.key < y.key ? -1 : 1));
    expect(all.hits.map((h) => h.key)).toEqual(order.map((h) => h.key));
    expect(new Set(all.hits.map((h) => h.score)).size).toBeGreaterThan(1);

    const seen: string[] = [];
    let after: { score: number; key: string } | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await engine.search({ text: 'periwinkle', visibility: v, types: v.types, first: 7, after });
      seen.push(...result.hits.map((h) => h.key));
      expect(result.totalCount).toBe(30);
      if (!result.hasNextPage) break;
      const last = result.hits.at(-1)!;
      after = { score: last.score, key: last.key };
    }
    expect(seen).toEqual(all.hits.map((h) => h.key));
  });

  it('suggests titles whose words start with what is typed, shorter titles first', async () => {
    const t = randomUUID();
    await engine.index([
      doc(t, { title: 'Octavia Butler-Harrington' }), doc(t, { title: 'Octavia Butler' }),
      doc(t, { type: 'EMPLOYEE', title: 'Octave Plant' }), doc(t, { title: 'Someone', body: 'octavia in the body only' }),
    ]);
    const suggestions = await engine.suggest({ prefix: 'octavia but', visibility: caller(t), first: 5 });
    expect(suggestions.map((s) => s.text)).toEqual(['Octavia Butler', 'Octavia Butler-Harrington']);
    expect((await engine.suggest({ prefix: 'oct', visibility: caller(t), first: 2 })).length).toBe(2);
  });
});

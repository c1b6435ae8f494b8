// One behaviour suite for every search engine (subgraphs/search/src/engine/engine.ts): PostgreSQL
// always, OpenSearch when OPENSEARCH_URL names a node. Real databases, no mocks: what is indexed
// must be found, ranked, highlighted, paged and hidden exactly as the interface promises.
import { randomUUID } from 'node:crypto';
import { appDatabaseUrlFor, databaseUrlFor, withTenant } from '@bacbos/common';
import { createEngine, createSearchPools, PostgresEngine, type SearchDocument, type SearchEngine, type SearchType, type Visibility } from '@bacbos/search';

const ENGINES: { name: string; make: () => SearchEngine; skip: boolean }[] = [
  { name: 'postgres', make: () => new PostgresEngine(createSearchPools({ read: appDatabaseUrlFor('search'), write: databaseUrlFor('search') })), skip: false },
  { name: 'opensearch', make: () => createEngine('opensearch'), skip: !process.env.OPENSEARCH_URL },
];

const ALL: SearchType[] = ['CONTACT', 'LEAD', 'OPPORTUNITY', 'DOCUMENT', 'SPREADSHEET', 'PRESENTATION', 'FILE', 'EMAIL', 'CALENDAR_EVENT', 'EMPLOYEE', 'USER'];

describe.each(ENGINES)('$name engine', ({ make, skip }) => {
  const maybe = skip ? it.skip : it;
  let engine: SearchEngine;
  let position = 1n;
  const next = () => (position += 1n);

  beforeAll(async () => {
    if (skip) return;
    process.env.APP_DB_PASSWORD ??= 'bacbos-test-app-role';
    engine = make();
    await engine.init();
  });
  afterAll(async () => {
    await engine?.close();
  });

  const tenant = () => randomUUID();
  const doc = (tenantId: string, fields: Partial<SearchDocument> & { title: string }): SearchDocument => ({
    tenantId, type: 'CONTACT', id: randomUUID(), subtitle: '', body: '', readers: null, position: next(), updatedAt: new Date().toISOString(), ...fields,
  });
  const everyone = (tenantId: string, userId: string | null = randomUUID(), extra: Partial<Visibility> = {}): Visibility => ({ tenantId, userId, types: ALL, unrestricted: [], ...extra });
  const search = (v: Visibility, text: string, extra: { types?: SearchType[]; first?: number; after?: { score: number; key: string } } = {}) =>
    withTenant(v.tenantId, () => engine.search({ text, visibility: v, types: extra.types ?? v.types, first: extra.first ?? 20, after: extra.after }));
  const suggest = (v: Visibility, prefix: string, first = 8) => withTenant(v.tenantId, () => engine.suggest({ prefix, visibility: v, first }));
  const ids = async (v: Visibility, text: string) => (await search(v, text)).hits.map((h) => h.id);

  maybe('finds by word, by prefix, by a misspelt name, without accents, and ranks a title above a body', async () => {
    const t = tenant();
    const title = doc(t, { title: 'Zéphyrine Dupont', subtitle: 'zephyrine@example.com' });
    const body = doc(t, { type: 'DOCUMENT', title: 'Meeting notes', body: 'we met Zephyrine at the fair' });
    const noise = doc(t, { title: 'Someone Else', body: 'unrelated text' });
    await engine.index([title, body, noise]);
    const v = everyone(t);
    expect(await ids(v, 'zephyrine')).toEqual([title.id, body.id]);
    expect(await ids(v, 'Zeph')).toEqual([title.id, body.id]);
    expect(await ids(v, 'Zefirine')).toContain(title.id);
    expect(await ids(v, 'ZÉPHYRINE dupont')).toEqual([title.id]);
    expect(await ids(v, 'nothing matches this')).toEqual([]);
    const r = await search(v, 'zephyrine');
    expect(r.hits[0].score).toBeGreaterThan(r.hits[1].score);
    expect(r.hits[0].key).toBe(`CONTACT:${title.id}`);
  });

  maybe('finds an e-mail address, a domain and a hyphenated code typed whole, as the query splits them into words', async () => {
    const t = tenant();
    const person = doc(t, { title: 'Ana Leaver', subtitle: 'ana-leaver-x7@example.com', body: 'ticket REF-2666c835-edc' });
    await engine.index([person, doc(t, { title: 'Other Person', subtitle: 'other@elsewhere.org' })]);
    const v = everyone(t);
    expect(await ids(v, 'ana-leaver-x7@example.com')).toEqual([person.id]);
    expect(await ids(v, 'example.com')).toEqual([person.id]);
    expect(await ids(v, 'REF-2666c835-edc')).toEqual([person.id]);
  });

  maybe('scores a hit from its own text: another tenant\'s documents never move a score or a cursor', async () => {
    const a = tenant();
    const b = tenant();
    const mine = [doc(a, { title: 'Xylograph report', body: 'xylograph xylograph plans' }), doc(a, { type: 'DOCUMENT', title: 'Notes', body: 'a xylograph once' })];
    await engine.index(mine);
    const before = (await search(everyone(a), 'xylograph')).hits.map((h) => [h.id, h.score]);
    const misspelt = (await search(everyone(a), 'xylografh')).hits.map((h) => [h.id, h.score]);
    await engine.index(Array.from({ length: 40 }, (_, i) => doc(b, { title: `Xylograph ${i}`, body: 'xylograph '.repeat(1 + (i % 5)) })));
    expect((await search(everyone(a), 'xylograph')).hits.map((h) => [h.id, h.score])).toEqual(before);
    expect((await search(everyone(a), 'xylografh')).hits.map((h) => [h.id, h.score])).toEqual(misspelt);
  });

  maybe('highlights matched words in <mark>, HTML-escaped', async () => {
    const t = tenant();
    const d = doc(t, { type: 'DOCUMENT', title: 'Budget <draft> & plan', body: 'The budget for 2027 is final' });
    await engine.index([d]);
    const [hit] = (await search(everyone(t), 'budget')).hits;
    expect(hit.highlights).toEqual([
      { field: 'title', snippet: '<mark>Budget</mark> &lt;draft&gt; &amp; plan' },
      { field: 'body', snippet: 'The <mark>budget</mark> for 2027 is final' },
    ]);
  });

  maybe('never shows another tenant\'s objects, in hits, counts, facets or suggestions', async () => {
    const a = tenant();
    const b = tenant();
    await engine.index([doc(a, { title: 'Quetzalcoatl project' })]);
    expect(await search(everyone(b), 'quetzalcoatl')).toEqual({ hits: [], totalCount: 0, facets: [], hasNextPage: false });
    expect(await suggest(everyone(b), 'quetz')).toEqual([]);
    // Misspelt too: the typo matching (PostgreSQL: search.typo_matches, as the owner) stays in the tenant.
    expect(await search(everyone(b), 'quetzalcoatel')).toEqual({ hits: [], totalCount: 0, facets: [], hasNextPage: false });
    expect((await search(everyone(a), 'quetzalcoatl')).totalCount).toBe(1);
    expect((await search(everyone(a), 'quetzalcoatel')).totalCount).toBe(1);
  });

  maybe('hides an object from callers not on its access list, counts included, unless unrestricted for its type', async () => {
    const t = tenant();
    const owner = randomUUID();
    const colleague = randomUUID();
    const secret = doc(t, { type: 'DOCUMENT', title: 'Secret Xylophone', readers: [owner] });
    const open = doc(t, { type: 'CONTACT', title: 'Xylophone Seller' });
    await engine.index([secret, open]);
    const mine = await search(everyone(t, owner), 'xylophone');
    expect(mine.totalCount).toBe(2);
    expect(mine.facets).toEqual([{ type: 'CONTACT', count: 1 }, { type: 'DOCUMENT', count: 1 }]);
    const theirs = await search(everyone(t, colleague), 'xylophone');
    expect(theirs).toMatchObject({ totalCount: 1, facets: [{ type: 'CONTACT', count: 1 }] });
    expect(theirs.hits.map((h) => h.id)).toEqual([open.id]);
    expect(await search(everyone(t, null), 'secret')).toMatchObject({ totalCount: 0, facets: [] });
    expect((await suggest(everyone(t, colleague), 'secret'))).toEqual([]);
    expect((await search(everyone(t, colleague, { unrestricted: ['DOCUMENT'] }), 'secret')).totalCount).toBe(1);
    // A type the caller may not read at all is neither found nor counted.
    expect(await search(everyone(t, owner, { types: ['DOCUMENT'] }), 'seller')).toMatchObject({ totalCount: 0, facets: [] });

    await engine.setReaders({ tenantId: t, type: 'DOCUMENT', id: secret.id }, [owner, colleague], next());
    expect((await search(everyone(t, colleague), 'secret')).totalCount).toBe(1);
    await engine.removeReader(t, colleague);
    expect((await search(everyone(t, colleague), 'secret')).totalCount).toBe(0);
  });

  maybe('shows an expiring reader the object only until its expiry, in hits, counts and suggestions; setReaders and removeReader cover them', async () => {
    const t = tenant();
    const owner = randomUUID();
    const guest = randomUUID();
    const later = randomUUID();
    const soon = new Date(Date.now() + 1500).toISOString();
    const file = doc(t, { type: 'FILE', title: 'Vermilion report.pdf', readers: [owner], expiring: [{ userId: guest, until: soon }, { userId: later, until: new Date(Date.now() + 3_600_000).toISOString() }] });
    await engine.index([file]);
    expect((await search(everyone(t, guest), 'vermilion')).totalCount).toBe(1);
    expect(await suggest(everyone(t, guest), 'vermil')).toEqual([{ text: 'Vermilion report.pdf', type: 'FILE', id: file.id }]);
    expect((await search(everyone(t, randomUUID()), 'vermilion')).totalCount).toBe(0);
    await new Promise((r) => setTimeout(r, Date.parse(soon) - Date.now() + 50));
    // No write happened: the expiry is compared with the clock at query time.
    expect(await search(everyone(t, guest), 'vermilion')).toEqual({ hits: [], totalCount: 0, facets: [], hasNextPage: false });
    expect(await suggest(everyone(t, guest), 'vermil')).toEqual([]);
    expect((await search(everyone(t, later), 'vermilion')).totalCount).toBe(1);
    expect((await search(everyone(t, owner), 'vermilion')).totalCount).toBe(1);

    // A new share replaces the whole list; a removed user leaves the expiring list too.
    const key = { tenantId: t, type: 'FILE' as const, id: file.id };
    await engine.setReaders(key, [owner], next(), [{ userId: guest, until: new Date(Date.now() + 3_600_000).toISOString() }]);
    expect((await search(everyone(t, guest), 'vermilion')).totalCount).toBe(1);
    expect((await search(everyone(t, later), 'vermilion')).totalCount).toBe(0);
    await engine.removeReader(t, guest);
    expect((await search(everyone(t, guest), 'vermilion')).totalCount).toBe(0);
    expect((await search(everyone(t, owner), 'vermilion')).totalCount).toBe(1);
  });

  maybe('applies only newer positions: replays, late duplicates and deletions are idempotent', async () => {
    const t = tenant();
    const v1 = doc(t, { title: 'Version one' });
    const v2 = { ...v1, title: 'Version two', position: next() };
    await engine.index([v2]);
    await engine.index([v1]); // late, older
    expect(await ids(everyone(t), 'two')).toEqual([v1.id]);
    expect(await ids(everyone(t), 'one')).toEqual([]);
    await engine.index([v2]); // replayed
    expect(await engine.count(t)).toBe(1);
    const deletedAt = next();
    await engine.delete([{ tenantId: t, type: 'CONTACT', id: v1.id }], deletedAt);
    expect(await ids(everyone(t), 'two')).toEqual([]);
    await engine.index([v2]); // a replay of the state before the deletion does not bring it back
    expect(await ids(everyone(t), 'two')).toEqual([]);
    expect(await engine.count(t)).toBe(0);
    await engine.index([{ ...v2, title: 'Version three', position: next() }]); // a newer state does
    expect(await ids(everyone(t), 'three')).toEqual([v1.id]);
  });

  maybe('applies a batch of operations in order, with the single calls\' guards, searchable when it resolves', async () => {
    const t = tenant();
    const owner = randomUUID();
    const colleague = randomUUID();
    const first = doc(t, { title: 'Batchwise alpha' });
    const secret = doc(t, { type: 'DOCUMENT', title: 'Batchwise secret', readers: [owner] });
    const gone = doc(t, { title: 'Batchwise gone' });
    const secretKey = { tenantId: t, type: 'DOCUMENT' as const, id: secret.id };
    await engine.apply([
      { kind: 'index', document: first },
      { kind: 'index', document: secret },
      // Shared in the same batch as its creation: applied after it.
      { kind: 'readers', key: secretKey, readers: [owner, colleague], expiring: [], position: next() },
      { kind: 'index', document: gone },
      { kind: 'delete', key: { tenantId: t, type: 'CONTACT', id: gone.id }, position: next() },
      { kind: 'index', document: { ...gone, title: 'Batchwise ghost' } }, // a replay older than the deletion
      { kind: 'index', document: { ...first, title: 'Batchwise omega', position: next() } },
      { kind: 'index', document: { ...first, title: 'Batchwise stale' } }, // older than omega
      { kind: 'readers', key: { tenantId: t, type: 'DOCUMENT', id: randomUUID() }, readers: [owner], expiring: [], position: next() }, // not indexed: nothing
      { kind: 'removeReader', tenantId: t, userId: owner },
      // After the removal, in the same batch: a newer state naming the owner again counts.
      { kind: 'index', document: doc(t, { type: 'DOCUMENT', title: 'Batchwise later', readers: [owner] }) },
    ]);
    const forColleague = await search(everyone(t, colleague), 'batchwise');
    expect(new Set(forColleague.hits.map((h) => h.id))).toEqual(new Set([first.id, secret.id]));
    expect(await ids(everyone(t, colleague), 'omega')).toEqual([first.id]);
    for (const word of ['alpha', 'stale', 'ghost', 'gone']) expect(await ids(everyone(t, colleague), word)).toEqual([]);
    expect((await search(everyone(t, owner), 'batchwise')).hits.map((h) => h.key).sort()).toEqual([`CONTACT:${first.id}`, expect.stringMatching(/^DOCUMENT:/)].sort());
    expect(await ids(everyone(t, owner), 'secret')).toEqual([]);
    expect(await engine.count(t)).toBe(3);
    await engine.apply([]);
  });

  maybe('pages with search-after keys: every hit once, in rank order; types filter counts but facets do not', async () => {
    const t = tenant();
    const docs = Array.from({ length: 7 }, (_, i) => doc(t, { type: i % 2 ? 'LEAD' : 'CONTACT', title: `Pagination ${'word '.repeat(i % 3)}target ${i}` }));
    await engine.index(docs);
    const v = everyone(t);
    const seen: string[] = [];
    let after: { score: number; key: string } | undefined;
    for (;;) {
      const page = await search(v, 'pagination', { first: 3, after });
      expect(page.totalCount).toBe(7);
      seen.push(...page.hits.map((h) => h.id));
      if (!page.hasNextPage) break;
      const last = page.hits.at(-1)!;
      after = { score: last.score, key: last.key };
    }
    expect(seen.length).toBe(7);
    expect(new Set(seen)).toEqual(new Set(docs.map((d) => d.id)));
    const leads = await search(v, 'pagination', { types: ['LEAD'] });
    expect(leads.totalCount).toBe(3);
    expect(leads.hits.every((h) => h.type === 'LEAD')).toBe(true);
    expect(leads.facets).toEqual([{ type: 'CONTACT', count: 4 }, { type: 'LEAD', count: 3 }]);
  });

  maybe('suggests titles for a prefix, best first, within the caller\'s visibility', async () => {
    const t = tenant();
    const owner = randomUUID();
    const a = doc(t, { title: 'Marguerite Yourcenar' });
    const b = doc(t, { type: 'DOCUMENT', title: 'Margin report', readers: [owner] });
    const c = doc(t, { title: 'Someone', body: 'margarine in the body only' });
    await engine.index([a, b, c]);
    expect(await suggest(everyone(t, owner), 'marg')).toEqual(expect.arrayContaining([
      { text: 'Marguerite Yourcenar', type: 'CONTACT', id: a.id }, { text: 'Margin report', type: 'DOCUMENT', id: b.id },
    ]));
    expect(await suggest(everyone(t, owner), 'marg')).toHaveLength(2);
    expect(await suggest(everyone(t), 'marg')).toEqual([{ text: 'Marguerite Yourcenar', type: 'CONTACT', id: a.id }]);
    expect(await suggest(everyone(t, owner), 'marg', 1)).toHaveLength(1);
  });

  maybe('dropTenant forgets one tenant only', async () => {
    const a = tenant();
    const b = tenant();
    await engine.index([doc(a, { title: 'Dropped one' }), doc(b, { title: 'Kept one' })]);
    await engine.dropTenant(a);
    expect(await engine.count(a)).toBe(0);
    expect(await engine.count(b)).toBe(1);
    expect((await search(everyone(a), 'dropped')).totalCount).toBe(0);
  });
});

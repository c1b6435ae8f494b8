// Search end to end through the gateway against real PostgreSQL and Kafka: the contract's Search
// and SearchSuggest (../shared/contract/pending/search.graphql), freshness (a change is
// searchable within 1 s of its commit, a deletion gone as fast), typos and prefixes, highlights,
// facets, pagination, and visibility exactly as reading: tenant, modules, document collaborators,
// mail participants.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, print, type OperationDefinitionNode } from 'graphql';
import { Client } from 'pg';
import { bearer, codeOf, contractOperation, gql, ok, signUpTenant, type TenantUser, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { appDatabaseUrlFor, databaseUrlFor, setting } from '@bacbos/common';
import { createEngine, createSearchPools, PostgresEngine, reindexTenant, type SubgraphUrls } from '@bacbos/search';

const pending = parse(readFileSync(join(__dirname, '..', '..', '..', 'shared', 'contract', 'pending', 'search.graphql'), 'utf8'));
const searchOp = (name: string) => print(pending.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && d.name?.value === name)!);
const SEARCH = searchOp('Search');
const SUGGEST = searchOp('SearchSuggest');

let platform: RunningPlatform;
let url: string;
let a: TestTenant;
let b: TestTenant;
let member: TenantUser; // tenant A, member role: crm and office readers, no office:admin
let other: TenantUser; // tenant A, member role

interface Edge { cursor: string; score: number; highlights: { field: string; snippet: string }[]; node: Record<string, any> & { __typename: string; id: string } }
interface Result { totalCount: number; facets: { type: string; count: number }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Edge[] }

const search = async (headers: Record<string, string>, query: string, extra: Record<string, unknown> = {}): Promise<Result> =>
  ok<Result>(gql(url, SEARCH, { query, ...extra }, headers), 'search');
const suggest = async (headers: Record<string, string>, prefix: string) => ok<{ text: string; type: string; id: string }[]>(gql(url, SUGGEST, { prefix }, headers), 'searchSuggest');
const run = (file: string, name: string, variables: Record<string, unknown>, headers: Record<string, string>) => gql(url, contractOperation(file, name), variables, headers);

/**
 * How long a change may take to become searchable here. The product's target is 1 s (bench/search.ts
 * measures event-to-searchable p50/p99); on a loaded CI machine the relay and consumers can lag
 * more, so the tests assert that it happens, print how long it took, and leave speed to the bench.
 */
const SETTLES_WITHIN_MS = 15_000;

/** Polls until `done` holds; returns the milliseconds it took from `since`. Fails after `ms`. */
async function within(ms: number, since: number, probe: () => Promise<boolean>, what: string): Promise<number> {
  for (;;) {
    if (await probe()) return Date.now() - since;
    if (Date.now() - since > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A word no other test (or run) uses, so counts are exact. */
const unique = (stem: string) => `${stem}${Math.random().toString(36).slice(2, 8).replace(/\d/g, 'q')}`;

/**
 * A member of tenant A, logged in. The office directory (which sharing and mail check recipients
 * against) follows platform events from the start of a shared topic, so on a busy broker it may
 * trail by more than addTenantUser's 15 s: wait for it here, longer.
 */
async function addMember(name: string, role = 'member'): Promise<TenantUser> {
  const email = `${name.toLowerCase()}-${a.slug}@example.com`;
  const invited = await ok(run('platform', 'InviteUser', { input: { email, firstName: name, lastName: 'Searcher', roleNames: [role], password: a.password } }, a.headers), 'inviteUser');
  const login = await ok(run('identity', 'LogIn', { input: { tenantSlug: a.slug, email, password: a.password } }, {}), 'logIn');
  return { userId: invited.id, email, token: login.accessToken, headers: bearer(login.accessToken) };
}

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  a = await signUpTenant(url, 'Search A', 'professional');
  b = await signUpTenant(url, 'Search B');
  // The gateway plans each operation once: plan Search and SearchSuggest now, not inside a 1 s bound.
  await search(a.headers, 'warm up');
  await suggest(a.headers, 'warm');
  member = await addMember('Mira');
  other = await addMember('Oskar');
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    await within(150_000, Date.now(), async () => (await db.query('SELECT count(*)::int AS n FROM office.directory_users WHERE user_id = ANY($1::uuid[])', [[a.userId, member.userId, other.userId]])).rows[0].n === 3, 'the office directory');
  } finally {
    await db.end();
  }
}, 240_000);
afterAll(async () => {
  await platform?.stop();
});

describe('contacts', () => {
  it('finds a created contact by a misspelt name within 1 s, by a prefix, highlighted, resolved by crm', async () => {
    const last = unique('Dupont');
    const contact = await ok(run('crm', 'CreateContact', { input: { firstName: 'Zéphyrine', lastName: last, email: `${last.toLowerCase()}@example.com`, company: 'Acme' } }, a.headers), 'createContact');
    const started = Date.now(); // committed: the mutation answered
    const took = await within(SETTLES_WITHIN_MS, started, async () => (await search(a.headers, `Zefirine ${last}`)).totalCount === 1, 'a misspelt name');
    console.log(`search: a created contact was found by a misspelt name ${took} ms after createContact answered`);

    const found = await search(a.headers, `Zefirine ${last}`);
    expect(found.edges[0].node).toEqual({ __typename: 'Contact', id: contact.id, firstName: 'Zéphyrine', lastName: last, email: `${last.toLowerCase()}@example.com`, company: 'Acme' });
    expect(found.facets).toEqual([{ type: 'CONTACT', count: 1 }]);
    expect(found.edges[0].highlights).toContainEqual({ field: 'name', snippet: `<mark>Zéphyrine</mark> <mark>${last}</mark>` });
    expect(found.edges[0].score).toBeGreaterThan(0);

    const prefix = await search(a.headers, `zeph ${last.slice(0, 6)}`);
    expect(prefix.edges.map((e) => e.node.id)).toEqual([contact.id]);
    expect(await suggest(a.headers, last.slice(0, 7))).toEqual([{ text: `Zéphyrine ${last}`, type: 'CONTACT', id: contact.id }]);
  });

  it('a deleted contact is gone within 1 s', async () => {
    const last = unique('Gone');
    const contact = await ok(run('crm', 'CreateContact', { input: { firstName: 'Temp', lastName: last, email: `${last.toLowerCase()}@example.com` } }, a.headers), 'createContact');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(a.headers, last)).totalCount === 1, 'the new contact');
    expect((await run('crm', 'DeleteContact', { id: contact.id }, a.headers)).errors).toBeUndefined();
    const started = Date.now(); // committed
    await within(SETTLES_WITHIN_MS, started, async () => (await search(a.headers, last)).totalCount === 0, 'the deletion');
    expect(await suggest(a.headers, last)).toEqual([]);
  });

  it('ranks, pages with stable cursors, filters by type and refuses a foreign cursor', async () => {
    const word = unique('Paging');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await ok(run('crm', 'CreateContact', { input: { firstName: `P${i}`, lastName: word, email: `p${i}-${word.toLowerCase()}@example.com` } }, a.headers), 'createContact');
      ids.push(c.id);
    }
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(a.headers, word)).totalCount === 5, 'five contacts');
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const r: Result = await search(a.headers, word, { first: 2, after });
      expect(r.totalCount).toBe(5);
      seen.push(...r.edges.map((e) => e.node.id));
      after = r.pageInfo.endCursor;
      expect(r.pageInfo.hasNextPage).toBe(page < 2);
    }
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(new Set(seen).size).toBe(5);
    // A new match does not shift the pages already read: the cursor is a position in the ranking.
    const first = await search(a.headers, word, { first: 2 });
    const again = await search(a.headers, word, { first: 2, after: first.pageInfo.endCursor });
    expect(again.edges.map((e) => e.node.id)).toEqual(seen.slice(2, 4));

    const filtered = await search(a.headers, word, { types: ['DOCUMENT'] });
    expect(filtered.totalCount).toBe(0);
    expect(filtered.facets).toEqual([{ type: 'CONTACT', count: 5 }]);
    const foreign = await gql(url, SEARCH, { query: 'other words', after: first.pageInfo.endCursor }, a.headers);
    expect(codeOf(foreign)).toBe('BAD_USER_INPUT');
    expect(foreign.errors?.[0].extensions?.field).toBe('after');
    expect(codeOf(await gql(url, SEARCH, { query: word, after: 'not-a-cursor' }, a.headers))).toBe('BAD_USER_INPUT');
  });

  it('another tenant never finds them, and a disabled module hides them at once', async () => {
    const last = unique('Tenantword');
    await ok(run('crm', 'CreateContact', { input: { firstName: 'Only', lastName: last, email: `${last.toLowerCase()}@example.com` } }, a.headers), 'createContact');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(a.headers, last)).totalCount === 1, 'the contact');
    expect(await search(b.headers, last)).toMatchObject({ totalCount: 0, facets: [], edges: [] });
    expect(await suggest(b.headers, last)).toEqual([]);

    // Tenant B switches crm off: its search stops covering contacts from its next request.
    const lastB = unique('Modword');
    await ok(run('crm', 'CreateContact', { input: { firstName: 'Mod', lastName: lastB, email: `${lastB.toLowerCase()}@example.com` } }, b.headers), 'createContact');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(b.headers, lastB)).totalCount === 1, 'the contact of B');
    await ok(run('platform', 'UpdateTenant', { input: { enabledModules: ['office', 'hr'] } }, b.headers), 'updateTenant');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(b.headers, lastB)).totalCount === 0, 'the module switched off');
    expect(await suggest(b.headers, lastB)).toEqual([]);
  });
});

describe('documents', () => {
  it('a colleague never finds an unshared document, not even in counts, and finds it within 1 s of a share', async () => {
    const word = unique('Confidential');
    const doc = await ok(run('office', 'CreateDocument', { input: { title: `Plan ${word}`, content: { type: 'doc', content: [{ type: 'paragraph', text: `The merger codename is ${word}ium` }] } } }, a.headers), 'createDocument');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(a.headers, word)).totalCount === 1, 'the owner finds it');
    const mine = await search(a.headers, `${word}ium`);
    expect(mine.edges[0]).toMatchObject({ node: { __typename: 'Document', id: doc.id, title: `Plan ${word}` } });
    expect(mine.edges[0].highlights).toContainEqual({ field: 'content', snippet: `The merger codename is <mark>${word}ium</mark>` });

    for (const query of [word, `${word}ium`, 'merger codename']) {
      expect(await search(member.headers, query)).toMatchObject({ totalCount: 0, facets: [], edges: [] });
    }
    expect(await suggest(member.headers, word)).toEqual([]);

    expect((await run('office', 'ShareDocument', { id: doc.id, userId: member.userId, role: 'VIEWER' }, a.headers)).errors).toBeUndefined();
    const started = Date.now(); // committed
    await within(SETTLES_WITHIN_MS, started, async () => (await search(member.headers, word)).totalCount === 1, 'the share');
    expect((await search(member.headers, word)).edges[0].node).toMatchObject({ __typename: 'Document', id: doc.id });
    expect(await search(other.headers, word)).toMatchObject({ totalCount: 0, facets: [] });
  });

  it('an edit is searchable within 1 s and the old words no longer match', async () => {
    const before = unique('Draftword');
    const after = unique('Finalword');
    const doc = await ok(run('office', 'CreateDocument', { input: { title: 'Notes', content: { type: 'doc', content: [{ type: 'paragraph', text: before }] } } }, a.headers), 'createDocument');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(a.headers, before)).totalCount === 1, 'the draft');
    await ok(run('office', 'EditDocument', { id: doc.id, input: { baseVersion: 1, content: { type: 'doc', content: [{ type: 'paragraph', text: after }] } } }, a.headers), 'editDocument');
    const started = Date.now(); // committed
    await within(SETTLES_WITHIN_MS, started, async () => (await search(a.headers, after)).totalCount === 1, 'the edit');
    expect((await search(a.headers, before)).totalCount).toBe(0);
  });
});

describe('mail', () => {
  it('each participant finds their own copy; nobody else finds it', async () => {
    const word = unique('Quarterly');
    const sent = await ok(run('office', 'SendEmail', { input: { to: [member.email], subject: `Figures ${word}`, bodyText: 'see attached numbers' } }, a.headers), 'sendEmail');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(member.headers, word)).totalCount === 1, 'the recipient finds it');
    const mine = await search(a.headers, word);
    expect(mine.edges.map((e) => e.node)).toEqual([{ __typename: 'Email', id: sent.id, subject: `Figures ${word}` }]);
    const theirs = await search(member.headers, word);
    expect(theirs.edges[0].node.id).not.toBe(sent.id);
    expect(await search(other.headers, word)).toMatchObject({ totalCount: 0, facets: [] });
  });
});

describe('spreadsheets and presentations', () => {
  it('a word typed into a cell is found within 1 s, and is gone within 1 s once the cell is cleared', async () => {
    const word = unique('Cellword');
    const sheet = await ok(run('office', 'CreateSpreadsheet', { input: { title: 'Budget', worksheets: ['Costs', 'Notes'] } }, a.headers), 'createSpreadsheet');
    const notes = sheet.worksheets[1].id;
    await ok(run('office', 'SetCells', { worksheetId: notes, cells: [{ row: 3, column: 2, value: `supplier ${word}` }, { row: 0, column: 0, value: '42' }] }, a.headers), 'setCells');
    const started = Date.now(); // committed
    console.log(`search: a word typed into a cell was searchable in ${await within(SETTLES_WITHIN_MS, started, async () => (await search(a.headers, word)).totalCount === 1, 'the cell text')} ms`);
    const found = await search(a.headers, word);
    expect(found.edges[0].node).toEqual({ __typename: 'Spreadsheet', id: sheet.id, title: 'Budget' });
    expect(found.edges[0].highlights).toContainEqual({ field: 'cells', snippet: `42 supplier <mark>${word}</mark>` });
    // Another user of the tenant with office:read opens every spreadsheet, so finds it too; tenant B does not.
    expect((await search(member.headers, word)).totalCount).toBe(1);
    expect((await search(b.headers, word)).totalCount).toBe(0);

    await ok(run('office', 'SetCells', { worksheetId: notes, cells: [{ row: 3, column: 2, value: null }] }, a.headers), 'setCells');
    const cleared = Date.now();
    console.log(`search: a cleared cell was searchable in ${await within(SETTLES_WITHIN_MS, cleared, async () => (await search(a.headers, word)).totalCount === 0, 'the cleared cell')} ms`);
    // The spreadsheet itself is still found by its title and its remaining cells.
    expect((await search(a.headers, 'Budget Costs', { types: ['SPREADSHEET'] })).edges.map((e) => e.node.id)).toContain(sheet.id);
  }, 240_000);

  it('a large sheet is indexed up to its first 64 KiB of cell text: the event stays bounded', async () => {
    const early = unique('Earlyword');
    const late = unique('Lateword');
    const sheet = await ok(run('office', 'CreateSpreadsheet', { input: { title: 'Large' } }, a.headers), 'createSpreadsheet');
    const worksheetId = sheet.worksheets[0].id;
    // 2,000 cells of 40 characters (80 KB) after the early word; the late word is past the bound.
    const filler = 'x'.repeat(39);
    const cells = [{ row: 0, column: 0, value: early }, ...Array.from({ length: 2000 }, (_, i) => ({ row: 1 + i, column: 0, value: filler })), { row: 2001, column: 0, value: late }];
    await ok(run('office', 'SetCells', { worksheetId, cells }, a.headers), 'setCells');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(a.headers, early)).totalCount === 1, 'the early word');
    expect((await search(a.headers, late)).totalCount).toBe(0);
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query(
        `SELECT max(length(payload->'data'->>'cellText')) AS chars, max(octet_length(payload::text)) AS bytes FROM office.outbox
          WHERE tenant_id = $1 AND type = 'office.worksheet.cells_changed' AND payload->'data'->>'spreadsheetId' = $2`, [a.tenantId, sheet.id]);
      expect(Number(rows[0].chars)).toBe(65_536);
      // The text, the audit entry (a count past 500 cells) and the envelope: the 2,002 cells themselves live beside the event.
      expect(Number(rows[0].bytes)).toBeLessThan(70_000);
    } finally {
      await db.end();
    }
  }, 240_000);

  it('a word on a new slide (an element\'s text or the notes) is found within 1 s', async () => {
    const word = unique('Slideword');
    const noteWord = unique('Noteword');
    const deck = await ok(run('office', 'CreatePresentation', { title: 'Roadmap' }, a.headers), 'createPresentation');
    await ok(run('office', 'AddSlide', { presentationId: deck.id, input: { elements: [{ type: 'text', content: { text: `Launch ${word}` } }] } }, a.headers), 'addSlide');
    const started = Date.now();
    console.log(`search: a new slide's text was searchable in ${await within(SETTLES_WITHIN_MS, started, async () => (await search(a.headers, word)).totalCount === 1, 'the slide text')} ms`);
    const found = await search(a.headers, word);
    expect(found.edges[0].node).toEqual({ __typename: 'Presentation', id: deck.id, title: 'Roadmap' });
    expect(found.edges[0].highlights).toContainEqual({ field: 'slides', snippet: `Launch <mark>${word}</mark>` });
    // A second slide keeps the first one's words: each event carries the whole deck's text.
    await ok(run('office', 'AddSlide', { presentationId: deck.id, input: { notes: `say ${noteWord}`, elements: [{ type: 'text', content: { text: 'Thanks' } }] } }, a.headers), 'addSlide');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(a.headers, noteWord)).totalCount === 1, 'the notes');
    expect((await search(a.headers, word)).totalCount).toBe(1);
  }, 240_000);
});

describe('deleteSlide', () => {
  const DELETE_SLIDE = 'mutation DeleteSlide($id: ID!) { deleteSlide(id: $id) }';
  const DECK = 'query Deck($id: ID!) { presentation(id: $id) { slides { id index notes } } }';

  it('removes the slide, closes the gap, and its words leave the presentation\'s search text; another tenant cannot', async () => {
    const gone = unique('Goneslide');
    const kept = unique('Keptslide');
    const deck = await ok(run('office', 'CreatePresentation', { title: 'Quarterly review' }, a.headers), 'createPresentation');
    const first = await ok(run('office', 'AddSlide', { presentationId: deck.id, input: { elements: [{ type: 'text', content: { text: `Intro ${gone}` } }] } }, a.headers), 'addSlide');
    await ok(run('office', 'AddSlide', { presentationId: deck.id, input: { notes: `remember ${kept}` } }, a.headers), 'addSlide');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(a.headers, kept)).totalCount === 1 && (await search(a.headers, gone)).totalCount === 1, 'both slides');

    expect(codeOf(await gql(url, DELETE_SLIDE, { id: first.id }, b.headers))).toBe('NOT_FOUND');
    expect(codeOf(await gql(url, DELETE_SLIDE, { id: randomUUID() }, a.headers))).toBe('NOT_FOUND');
    expect(codeOf(await gql(url, DELETE_SLIDE, { id: 'not-an-id' }, a.headers))).toBe('NOT_FOUND');
    expect(codeOf(await gql(url, DELETE_SLIDE, { id: first.id }, (await addMember('Vera', 'viewer')).headers))).toBe('FORBIDDEN');
    expect(await ok(gql(url, DELETE_SLIDE, { id: first.id }, a.headers), 'deleteSlide')).toBe(true);
    const started = Date.now(); // committed
    console.log(`search: a deleted slide's words left the index in ${await within(SETTLES_WITHIN_MS, started, async () => (await search(a.headers, gone)).totalCount === 0, 'the deleted slide')} ms`);
    expect((await search(a.headers, kept)).edges.map((e) => e.node)).toEqual([{ __typename: 'Presentation', id: deck.id, title: 'Quarterly review' }]);
    expect((await ok(gql(url, DECK, { id: deck.id }, a.headers), 'presentation')).slides).toEqual([{ id: expect.any(String), index: 0, notes: `remember ${kept}` }]);
    expect(codeOf(await gql(url, DELETE_SLIDE, { id: first.id }, a.headers))).toBe('NOT_FOUND');
  }, 240_000);
});

describe('leads, employees and users', () => {
  const UPDATE_LEAD = 'mutation UpdateLead($id: ID!, $input: UpdateLeadInput!) { updateLead(id: $id, input: $input) { id title } }';
  const UPDATE_EMPLOYEE = 'mutation UpdateEmployee($id: ID!, $input: UpdateEmployeeInput!) { updateEmployee(id: $id, input: $input) { id department } }';
  const REMOVE_USER = 'mutation RemoveUser($id: ID!) { removeUser(id: $id) }';

  it('a lead update is searchable within 1 s and the old title no longer matches; a contact\'s deletion takes its leads', async () => {
    const before = unique('Leadbefore');
    const after = unique('Leadafter');
    const contact = await ok(run('crm', 'CreateContact', { input: { firstName: 'Lea', lastName: 'Dee', email: `${before.toLowerCase()}@example.com` } }, a.headers), 'createContact');
    const lead = await ok(run('crm', 'CreateLead', { input: { contactId: contact.id, title: `Deal ${before}` } }, a.headers), 'createLead');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(a.headers, before)).facets.some((f) => f.type === 'LEAD'), 'the lead');
    expect(await ok(gql(url, UPDATE_LEAD, { id: lead.id, input: { title: `Deal ${after}` } }, a.headers), 'updateLead')).toEqual({ id: lead.id, title: `Deal ${after}` });
    const started = Date.now();
    console.log(`search: a lead update was searchable in ${await within(SETTLES_WITHIN_MS, started, async () => (await search(a.headers, after, { types: ['LEAD'] })).totalCount === 1, 'the lead update')} ms`);
    expect((await search(a.headers, before, { types: ['LEAD'] })).totalCount).toBe(0);
    expect(codeOf(await gql(url, UPDATE_LEAD, { id: lead.id, input: { title: '' } }, a.headers))).toBe('BAD_USER_INPUT');
    expect(codeOf(await gql(url, UPDATE_LEAD, { id: randomUUID(), input: { title: 'x' } }, a.headers))).toBe('NOT_FOUND');

    expect((await run('crm', 'DeleteContact', { id: contact.id }, a.headers)).errors).toBeUndefined();
    console.log(`search: a contact's deletion removing its lead was searchable in ${await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(a.headers, after, { types: ['LEAD'] })).totalCount === 0, 'the cascaded lead')} ms`);
  }, 240_000);

  it('an employee update is searchable within 1 s', async () => {
    const last = unique('Employeename');
    const dept = unique('Department');
    const employee = await ok(run('hr', 'CreateEmployee', { input: { employeeNumber: last.slice(-10), firstName: 'Emil', lastName: last, email: `${last.toLowerCase()}@example.com`, department: 'Sales' } }, a.headers), 'createEmployee');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(a.headers, last)).totalCount === 1, 'the employee');
    await ok(gql(url, UPDATE_EMPLOYEE, { id: employee.id, input: { department: dept } }, a.headers), 'updateEmployee');
    const started = Date.now();
    console.log(`search: an employee update was searchable in ${await within(SETTLES_WITHIN_MS, started, async () => (await search(a.headers, dept)).totalCount === 1, 'the employee update')} ms`);
    expect((await search(a.headers, dept)).edges[0].node).toMatchObject({ __typename: 'Employee', id: employee.id, department: dept });
    expect(codeOf(await gql(url, UPDATE_EMPLOYEE, { id: employee.id, input: { status: 'retired' } }, a.headers))).toBe('BAD_USER_INPUT');
  }, 240_000);

  it('a removed user disappears from hits within 1 s, and their own searches and access lists stop', async () => {
    const leaving = await addMember(unique('Leaver'));
    const name = (await ok(run('platform', 'Users', { filter: { search: leaving.email } }, a.headers), 'users')).edges[0].node;
    const word = unique('Farewell'); // shares no trigrams with the user's name, so only the document matches
    const doc = await ok(run('office', 'CreateDocument', { input: { title: `For ${word}`, content: { type: 'doc', content: [{ type: 'paragraph', text: 'shared' }] } } }, a.headers), 'createDocument');
    await within(150_000, Date.now(), async () => !(await run('office', 'ShareDocument', { id: doc.id, userId: leaving.userId, role: 'VIEWER' }, a.headers)).errors, 'the office directory knows the user');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(leaving.headers, word, { types: ['DOCUMENT'] })).totalCount === 1, 'the shared document');
    // Every user's e-mail shares the tenant's slug and domain: find this one among the hits.
    const findsUser = async () => (await search(a.headers, leaving.email, { types: ['USER'], first: 50 })).edges.some((e) => e.node.id === leaving.userId);
    await within(SETTLES_WITHIN_MS, Date.now(), findsUser, 'the user');
    expect(name.id).toBe(leaving.userId);

    expect(await ok(gql(url, REMOVE_USER, { id: leaving.userId }, a.headers), 'removeUser')).toBe(true);
    const started = Date.now();
    console.log(`search: a removed user was searchable in ${await within(SETTLES_WITHIN_MS, started, async () => !(await findsUser()), 'the removed user')} ms`);
    // Their sessions ended with the removal: their token no longer searches at all.
    expect(codeOf(await gql(url, SEARCH, { query: word }, leaving.headers))).toBe('UNAUTHENTICATED');
    // And no access list names them any more (the document keeps its owner only).
    if (setting('SEARCH_ENGINE') !== 'opensearch') {
      const db = new Client({ connectionString: databaseUrlFor('search') });
      await db.connect();
      try {
        await within(SETTLES_WITHIN_MS, started, async () => (await db.query(
          `SELECT count(*)::int AS n FROM search.entries WHERE tenant_id = $1 AND (readers @> ARRAY[$2::uuid] OR reader_until ? $2::text)`, [a.tenantId, leaving.userId])).rows[0].n === 0, 'the access lists');
      } finally {
        await db.end();
      }
    }
    expect(codeOf(await gql(url, REMOVE_USER, { id: leaving.userId }, a.headers))).toBe('NOT_FOUND');
    expect(codeOf(await gql(url, REMOVE_USER, { id: a.userId }, a.headers))).toBe('BAD_USER_INPUT');
    expect(codeOf(await gql(url, REMOVE_USER, { id: member.userId }, member.headers))).toBe('FORBIDDEN');
  }, 240_000);
});

describe('drive', () => {
  it('a file shared until a moment is found by the recipient until then, not after', async () => {
    const word = unique('Expiring');
    const bytes = Buffer.from('quarterly numbers');
    const ticket = await ok(run('office', 'RequestUpload', { input: { name: `${word}.txt`, contentType: 'text/plain', size: bytes.length } }, a.headers), 'requestUpload');
    expect((await fetch(ticket.uploadUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'text/plain' } })).status).toBe(200);
    await ok(run('office', 'CompleteUpload', { fileId: ticket.file.id }, a.headers), 'completeUpload');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(a.headers, word)).totalCount === 1, 'the owner finds the file');
    expect((await search(member.headers, word)).totalCount).toBe(0);

    // Long enough for the share's event to be indexed first on a loaded machine.
    const expiresAt = new Date(Date.now() + 20_000);
    await ok(run('office', 'ShareFile', { fileId: ticket.file.id, input: { userId: member.userId, permission: 'VIEW', expiresAt: expiresAt.toISOString() } }, a.headers), 'shareFile');
    await within(expiresAt.getTime() - Date.now(), Date.now(), async () => (await search(member.headers, word)).totalCount === 1, 'the share, before its expiry');
    expect((await search(member.headers, word)).edges[0].node).toEqual({ __typename: 'File', id: ticket.file.id, name: `${word}.txt` });
    // No event marks the expiry: the index compares the share's expiresAt with the clock per query.
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt.getTime() - Date.now()) + 50));
    // So the very first search after the expiry no longer finds it, however loaded the relay is.
    expect(await search(member.headers, word)).toMatchObject({ totalCount: 0, facets: [], edges: [] });
    expect(await suggest(member.headers, word)).toEqual([]);
    expect((await search(a.headers, word)).totalCount).toBe(1);
  }, 240_000);
});

describe('search:reindex', () => {
  /** Drops tenant A's index through the engine the platform searches with (SEARCH_ENGINE), as the reindex command opens it, and rebuilds it. */
  async function dropAndReindex(word: string): Promise<Record<string, number>> {
    const engine = setting('SEARCH_ENGINE') === 'opensearch'
      ? createEngine('opensearch')
      : new PostgresEngine(createSearchPools({ read: appDatabaseUrlFor('search'), write: databaseUrlFor('search') }));
    try {
      await engine.dropTenant(a.tenantId);
      expect((await search(a.headers, word)).totalCount).toBe(0);
      const urls = Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])) as SubgraphUrls;
      return await reindexTenant({ tenantId: a.tenantId, engine, urls, secret: process.env.INTERNAL_CONTEXT_SECRET as string });
    } finally {
      await engine.close();
    }
  }

  it('rebuilds spreadsheets, presentations, drive files, mail and calendar events from office, each visible exactly as before', async () => {
    const word = unique('Reoffice');
    const ids = (r: Result) => r.edges.map((e) => `${e.node.__typename}:${e.node.id}`).sort();
    const sheet = await ok(run('office', 'CreateSpreadsheet', { input: { title: `Ledger ${word}`, worksheets: ['Costs'] } }, a.headers), 'createSpreadsheet');
    const cellWord = unique('Recell');
    await ok(run('office', 'SetCells', { worksheetId: sheet.worksheets[0].id, cells: [{ row: 2, column: 1, value: `vendor ${cellWord}` }] }, a.headers), 'setCells');
    const deck = await ok(run('office', 'CreatePresentation', { title: `Deck ${word}` }, a.headers), 'createPresentation');
    const slideWord = unique('Reslide');
    await ok(run('office', 'AddSlide', { presentationId: deck.id, input: { notes: `mention ${slideWord}`, elements: [{ type: 'text', content: { text: 'Agenda' } }] } }, a.headers), 'addSlide');
    // A file in a folder, shared with nobody: the owner finds it by name and by folder path, colleagues do not.
    const folderWord = unique('Refolder');
    const folder = await ok(run('office', 'CreateFolder', { name: folderWord }, a.headers), 'createFolder');
    const bytes = Buffer.from('reindexed bytes');
    const ticket = await ok(run('office', 'RequestUpload', { input: { name: `${word}.txt`, contentType: 'text/plain', size: bytes.length, folderId: folder.id } }, a.headers), 'requestUpload');
    expect((await fetch(ticket.uploadUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'text/plain' } })).status).toBe(200);
    await ok(run('office', 'CompleteUpload', { fileId: ticket.file.id }, a.headers), 'completeUpload');
    // A mail from A to the member: each finds their own copy, the other colleague none.
    const mailWord = unique('Remail');
    const sent = await ok(run('office', 'SendEmail', { input: { to: [member.email], subject: `Offer ${word}`, bodyText: `terms ${mailWord}` } }, a.headers), 'sendEmail');
    // An event A organizes with the member attending: the other colleague does not find it.
    const startsAt = new Date(Date.now() + 86_400_000);
    const event = await ok(run('office', 'CreateEvent', { input: { title: `Review ${word}`, location: 'Room 4', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(), attendeeEmails: [member.email] } }, a.headers), 'createEvent');

    const expectedForA = [`Spreadsheet:${sheet.id}`, `Presentation:${deck.id}`, `File:${ticket.file.id}`, `Email:${sent.id}`, `CalendarEvent:${event.id}`].sort();
    const typenames = async (headers: Record<string, string>) => (await search(headers, word)).edges.map((e) => e.node.__typename).sort();
    const visibility = async () => ({ a: ids(await search(a.headers, word)), member: await typenames(member.headers), other: await typenames(other.headers) });
    await within(SETTLES_WITHIN_MS * 2, Date.now(), async () => (await search(a.headers, word)).totalCount === 5 && (await search(member.headers, word)).totalCount === 4, 'all five indexed from their events');
    const before = await visibility();
    expect(before.a).toEqual(expectedForA);
    // Spreadsheets and presentations are read by every office reader; the mail copy and the event are
    // the member's own; the file is A's alone.
    expect(before.member).toEqual(['CalendarEvent', 'Email', 'Presentation', 'Spreadsheet']);
    expect(before.other).toEqual(['Presentation', 'Spreadsheet']);

    const counts = await dropAndReindex(word);
    for (const type of ['SPREADSHEET', 'PRESENTATION', 'FILE', 'EMAIL', 'CALENDAR_EVENT']) expect(counts[type]).toBeGreaterThanOrEqual(1);

    const after = await visibility();
    expect(after.a).toEqual(expectedForA);
    expect(after.member).toEqual(before.member);
    expect(after.other).toEqual(before.other);
    // The member's hit is their own copy of the mail, not A's.
    const theirMail = await search(member.headers, mailWord);
    expect(theirMail.edges.map((e) => e.node.__typename)).toEqual(['Email']);
    expect(theirMail.edges[0].node.id).not.toBe(sent.id);
    expect((await search(other.headers, mailWord)).totalCount).toBe(0);
    // The text behind the titles came back too: cell text, slide notes, the folder path.
    expect(ids(await search(a.headers, cellWord))).toEqual([`Spreadsheet:${sheet.id}`]);
    expect(ids(await search(a.headers, slideWord))).toEqual([`Presentation:${deck.id}`]);
    expect(ids(await search(a.headers, folderWord, { types: ['FILE'] }))).toEqual([`File:${ticket.file.id}`]);
    expect((await search(member.headers, folderWord, { types: ['FILE'] })).totalCount).toBe(0);
    expect(await search(b.headers, word)).toMatchObject({ totalCount: 0 });
  }, 240_000);

  it('office refuses its search listing to a caller without office:admin, and to an unsigned one', async () => {
    const office = platform.subgraphs.find((s) => s.name === 'office')!.url.replace(/\/graphql$/, '/internal/search-listing/emails');
    const { CONTEXT_HEADER, GATED_MODULES, signCallerIdentitySync } = await import('@bacbos/common');
    const caller = (permissions: string[]) => signCallerIdentitySync({
      kind: 'user', tenantId: a.tenantId, userId: member.userId, sessionId: null, apiKeyId: null, permissions, modules: [...GATED_MODULES], ipAddress: null, userAgent: 'test', requestId: randomUUID(),
    }, process.env.INTERNAL_CONTEXT_SECRET as string);
    const reader = await fetch(office, { headers: { [CONTEXT_HEADER]: caller(['office:read', 'office:write']) } });
    expect(reader.status).toBe(403);
    expect(await reader.json()).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    const unsigned = await fetch(office);
    expect(unsigned.status).toBe(401);
    const admin = await fetch(`${office}?after=nope`, { headers: { [CONTEXT_HEADER]: caller(['*']) } });
    expect(admin.status).toBe(400);
    expect(await admin.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('rebuilds a tenant\'s index from the owners\' GraphQL: what was dropped is found again, access lists included', async () => {
    const word = unique('Rebuilt');
    const contact = await ok(run('crm', 'CreateContact', { input: { firstName: 'Re', lastName: word, email: `${word.toLowerCase()}@example.com` } }, a.headers), 'createContact');
    const doc = await ok(run('office', 'CreateDocument', { input: { title: `Private ${word}`, content: { type: 'doc', content: [{ type: 'paragraph', text: 'inner text' }] } } }, a.headers), 'createDocument');
    await within(SETTLES_WITHIN_MS, Date.now(), async () => (await search(a.headers, word)).totalCount === 2, 'both indexed');

    const counts = await dropAndReindex(word);
    expect(counts.CONTACT).toBeGreaterThanOrEqual(1);
    // Users the platform lists (removed ones are not).
    expect(counts.USER).toBe((await ok(run('platform', 'Users', { first: 100 }, a.headers), 'users')).totalCount);
    const found = await search(a.headers, word);
    expect(found.edges.map((e) => e.node.id).sort()).toEqual([contact.id, doc.id].sort());
    expect((await search(a.headers, 'inner text', { types: ['DOCUMENT'] })).edges.map((e) => e.node.id)).toContain(doc.id);
    expect((await search(member.headers, word)).edges.map((e) => e.node.id)).toEqual([contact.id]);
    expect(await search(b.headers, word)).toMatchObject({ totalCount: 0 });
  });
});

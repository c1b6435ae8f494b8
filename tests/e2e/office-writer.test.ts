// The contract's Writer operations (shared/contract/operations/office.graphql), end to end through
// the gateway against real PostgreSQL: data, optimistic versions (CONFLICT writes nothing),
// document-level roles, error codes, outbox/audit rows, and two-tenant isolation.
import { Client } from 'pg';
import { addTenantUser, codeOf, contractOperation, eventually, gql, ok, signUpTenant, type GraphQLResponse, type TestTenant } from '../helpers/graphql';
import { outboxProbe } from '../helpers/outbox';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let db: Client;
let a: TestTenant;
let b: TestTenant;

interface Person { userId: string; email: string; headers: Record<string, string> }
let ed: Person; // member, will be EDITOR
let cam: Person; // member, will be COMMENTER
let vic: Person; // member, will be VIEWER
let otto: Person; // member, not shared with
let rita: Person; // system role viewer (office:read only)
const { outboxCount, eventsOf, failsCleanly } = outboxProbe('office', () => db);

const NOBODY = '00000000-0000-4000-8000-000000000000';
const op = (name: string) => contractOperation('office', name);
const run = (name: string, variables: Record<string, unknown>, headers: Record<string, string> = a.headers) => gql(url, op(name), variables, headers);
const createDocument = (input: Record<string, unknown>, headers = a.headers) => run('CreateDocument', { input }, headers);
const editDocument = (id: string, input: Record<string, unknown>, headers = a.headers) => run('EditDocument', { id, input }, headers);
const share = (id: string, userId: string, role: string, headers = a.headers) => run('ShareDocument', { id, userId, role }, headers);
const comment = (documentId: string, body: string, anchor: unknown = null, headers = a.headers) => run('AddDocumentComment', { documentId, body, anchor }, headers);
const readDocument = (id: string, headers = a.headers) => run('Document', { id }, headers);

/** A user of the tenant with one system role (same password as the owner), logged in. */
async function addUser(tenant: TestTenant, role: string, name: string): Promise<Person> {
  const user = await addTenantUser(url, tenant, role, name);
  return { userId: user.userId, email: user.email, headers: user.headers };
}

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  a = await signUpTenant(url, 'Writer A', 'professional'); // six users: more than starter's five
  b = await signUpTenant(url, 'Writer B');
  ed = await addUser(a, 'member', 'ed');
  cam = await addUser(a, 'member', 'cam');
  vic = await addUser(a, 'member', 'vic');
  otto = await addUser(a, 'member', 'otto');
  rita = await addUser(a, 'viewer', 'rita');
});
afterAll(async () => {
  await db.end();
  await platform.stop();
});

describe('CreateDocument', () => {
  it('creates version 1 owned by the caller, stores version 1 and writes one audited event', async () => {
    const doc = await ok(createDocument({ title: '  Plan  ', content: { type: 'doc', content: [{ type: 'paragraph', text: 'hi' }] } }), 'createDocument');
    expect(doc).toEqual({
      id: expect.any(String), title: 'Plan', content: { type: 'doc', content: [{ type: 'paragraph', text: 'hi' }] }, version: 1,
      owner: { id: a.userId, email: a.email }, createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    const versions = (await db.query('SELECT version, title, author_id FROM office.document_versions WHERE document_id = $1', [doc.id])).rows;
    expect(versions).toEqual([{ version: 1, title: 'Plan', author_id: a.userId }]);
    const events = await eventsOf(doc.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'office.document.created', aggregate_type: 'Document', tenant_id: a.tenantId, actor_id: a.userId });
    expect(events[0].payload.data).toMatchObject({ documentId: doc.id, title: 'Plan', version: 1 });
    expect(events[0].payload.audit).toMatchObject({ action: 'create', resourceType: 'Document', resourceId: doc.id, userId: a.userId, changes: { title: { from: null, to: 'Plan' } } });
  });

  it('defaults content to {} and rejects bad input with BAD_USER_INPUT naming the field, writing nothing', async () => {
    const doc = await ok(createDocument({ title: 'Empty' }), 'createDocument');
    expect(doc.content).toEqual({});
    await failsCleanly(a.tenantId, () => createDocument({ title: '   ' }), 'BAD_USER_INPUT', 'title');
    await failsCleanly(a.tenantId, () => createDocument({ title: 'x'.repeat(501) }), 'BAD_USER_INPUT', 'title');
    await failsCleanly(a.tenantId, () => createDocument({ title: 'Array', content: [1, 2] }), 'BAD_USER_INPUT', 'content');
    await failsCleanly(a.tenantId, () => createDocument({ title: 'Folder', folderId: NOBODY }), 'BAD_USER_INPUT', 'folderId');
  });

  it('needs office:write (FORBIDDEN for the viewer role) and a credential (UNAUTHENTICATED)', async () => {
    await failsCleanly(a.tenantId, () => createDocument({ title: 'Nope' }, rita.headers), 'FORBIDDEN');
    expect(codeOf(await createDocument({ title: 'Nope' }, {}))).toBe('UNAUTHENTICATED');
  });
});

describe('EditDocument', () => {
  it('edits on the current version, bumps the version and stores each version', async () => {
    const doc = await ok(createDocument({ title: 'Draft', content: { v: 1 } }), 'createDocument');
    const e1 = await ok(editDocument(doc.id, { baseVersion: 1, title: 'Draft 2' }), 'editDocument');
    expect(e1).toMatchObject({ id: doc.id, title: 'Draft 2', content: { v: 1 }, version: 2 });
    const e2 = await ok(editDocument(doc.id, { baseVersion: 2, content: { v: 3 } }), 'editDocument');
    expect(e2).toMatchObject({ title: 'Draft 2', content: { v: 3 }, version: 3 });
    expect(new Date(e2.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(e1.updatedAt).getTime());
    const read = (await readDocument(doc.id)).data!.document;
    expect(read.versions.totalCount).toBe(3);
    expect(read.versions.edges.map((e: any) => [e.node.version, e.node.title, e.node.author.id])).toEqual([[3, 'Draft 2', a.userId], [2, 'Draft 2', a.userId], [1, 'Draft', a.userId]]);
    const events = await eventsOf(doc.id);
    expect(events.map((e) => e.type)).toEqual(['office.document.created', 'office.document.edited', 'office.document.edited']);
    expect(events[1].payload.audit).toMatchObject({ action: 'update', changes: { title: { from: 'Draft', to: 'Draft 2' }, version: { from: 1, to: 2 } } });
    expect(events[2].payload.data).toMatchObject({ documentId: doc.id, version: 3 });
  });

  it('a stale baseVersion is CONFLICT on baseVersion and writes nothing', async () => {
    const doc = await ok(createDocument({ title: 'Stale' }), 'createDocument');
    await ok(editDocument(doc.id, { baseVersion: 1, title: 'Stale 2' }), 'editDocument');
    await failsCleanly(a.tenantId, () => editDocument(doc.id, { baseVersion: 1, title: 'Lost update' }), 'CONFLICT', 'baseVersion');
    await failsCleanly(a.tenantId, () => editDocument(doc.id, { baseVersion: 7, title: 'Future' }), 'CONFLICT', 'baseVersion');
    const read = (await readDocument(doc.id)).data!.document;
    expect(read).toMatchObject({ title: 'Stale 2', version: 2 });
    expect(read.versions.totalCount).toBe(2);
  });

  it('of concurrent edits on one base version exactly one wins', async () => {
    const doc = await ok(createDocument({ title: 'Race' }), 'createDocument');
    const results = await Promise.all([...Array(5).keys()].map((n) => editDocument(doc.id, { baseVersion: 1, title: `Racer ${n}` })));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === 'CONFLICT')).toHaveLength(4);
    const read = (await readDocument(doc.id)).data!.document;
    expect(read.version).toBe(2);
    expect(read.versions.totalCount).toBe(2);
    expect((await eventsOf(doc.id)).filter((e) => e.type === 'office.document.edited')).toHaveLength(1);
  });

  it('rejects bad input and unknown documents', async () => {
    const doc = await ok(createDocument({ title: 'Bad' }), 'createDocument');
    await failsCleanly(a.tenantId, () => editDocument(doc.id, { baseVersion: 1 }), 'BAD_USER_INPUT', 'title');
    await failsCleanly(a.tenantId, () => editDocument(doc.id, { baseVersion: 0, title: 'x' }), 'BAD_USER_INPUT', 'baseVersion');
    await failsCleanly(a.tenantId, () => editDocument(NOBODY, { baseVersion: 1, title: 'x' }), 'NOT_FOUND');
    await failsCleanly(a.tenantId, () => editDocument('nope', { baseVersion: 1, title: 'x' }), 'NOT_FOUND');
  });
});

describe('sharing and document roles', () => {
  let docId: string;
  beforeAll(async () => {
    docId = (await ok(createDocument({ title: 'Shared doc', content: { p: 'x' } }), 'createDocument')).id;
  });

  it('the owner shares with VIEWER, COMMENTER and EDITOR (ShareDocument), audited', async () => {
    await ok(share(docId, vic.userId, 'VIEWER'), 'shareDocument');
    await ok(share(docId, cam.userId, 'COMMENTER'), 'shareDocument');
    const res = await ok(share(docId, ed.userId, 'EDITOR'), 'shareDocument');
    expect(res.id).toBe(docId);
    expect(res.collaborators).toEqual([
      { role: 'VIEWER', user: { id: vic.userId, email: vic.email } },
      { role: 'COMMENTER', user: { id: cam.userId, email: cam.email } },
      { role: 'EDITOR', user: { id: ed.userId, email: ed.email } },
    ]);
    const shared = (await eventsOf(docId)).filter((e) => e.type === 'office.document.shared');
    expect(shared).toHaveLength(3);
    expect(shared[2].payload.audit).toMatchObject({ action: 'share', resourceType: 'Document', resourceId: docId, changes: { [`collaborators.${ed.userId}`]: { from: null, to: 'editor' } } });
    expect(shared[2].payload.data).toMatchObject({ documentId: docId, collaborator: { userId: ed.userId, role: 'editor' } });
  });

  it('collaborators read the document; others of the tenant do not see it', async () => {
    for (const p of [vic, cam, ed]) expect((await readDocument(docId, p.headers)).data!.document.id).toBe(docId);
    expect((await readDocument(docId, otto.headers)).data!.document).toBeNull();
    const ottoList = (await run('Documents', {}, otto.headers)).data!.documents;
    expect(ottoList.edges.map((e: any) => e.node.id)).not.toContain(docId);
    const vicList = (await run('Documents', {}, vic.headers)).data!.documents;
    expect(vicList.edges.map((e: any) => e.node.id)).toEqual([docId]);
    expect(vicList.totalCount).toBe(1);
  });

  it('viewers may not edit, comment or share; commenters may comment only (FORBIDDEN, nothing written)', async () => {
    await failsCleanly(a.tenantId, () => editDocument(docId, { baseVersion: 1, title: 'By viewer' }, vic.headers), 'FORBIDDEN');
    await failsCleanly(a.tenantId, () => comment(docId, 'By viewer', null, vic.headers), 'FORBIDDEN');
    await failsCleanly(a.tenantId, () => share(docId, otto.userId, 'VIEWER', vic.headers), 'FORBIDDEN');
    await failsCleanly(a.tenantId, () => editDocument(docId, { baseVersion: 1, title: 'By commenter' }, cam.headers), 'FORBIDDEN');
    await failsCleanly(a.tenantId, () => share(docId, otto.userId, 'VIEWER', cam.headers), 'FORBIDDEN');
    expect((await ok(comment(docId, 'By commenter', null, cam.headers), 'addDocumentComment')).author).toEqual({ id: cam.userId, email: cam.email });
  });

  it('a user it is not shared with gets NOT_FOUND, as for a missing document', async () => {
    await failsCleanly(a.tenantId, () => editDocument(docId, { baseVersion: 1, title: 'Otto' }, otto.headers), 'NOT_FOUND');
    await failsCleanly(a.tenantId, () => comment(docId, 'Otto', null, otto.headers), 'NOT_FOUND');
    await failsCleanly(a.tenantId, () => share(docId, otto.userId, 'EDITOR', otto.headers), 'NOT_FOUND');
  });

  it('editors edit and share; sharing again changes the role; the owner cannot be a collaborator', async () => {
    const edited = await ok(editDocument(docId, { baseVersion: 1, title: 'Edited by Ed' }, ed.headers), 'editDocument');
    expect(edited).toMatchObject({ title: 'Edited by Ed', version: 2 });
    const res = await ok(share(docId, vic.userId, 'EDITOR', ed.headers), 'shareDocument');
    expect(res.collaborators.find((c: any) => c.user.id === vic.userId).role).toBe('EDITOR');
    expect(res.collaborators).toHaveLength(3);
    expect((await ok(editDocument(docId, { baseVersion: 2, title: 'Edited by Vic' }, vic.headers), 'editDocument')).version).toBe(3);
    await failsCleanly(a.tenantId, () => share(docId, a.userId, 'EDITOR', ed.headers), 'BAD_USER_INPUT', 'userId');
    await failsCleanly(a.tenantId, () => share(docId, 'not-a-uuid', 'EDITOR'), 'BAD_USER_INPUT', 'userId');
    const bad = await share(docId, otto.userId, 'OWNER');
    expect(codeOf(bad)).toBe('BAD_USER_INPUT'); // not an enum value: rejected by GraphQL validation of variables
    const read = (await readDocument(docId, ed.headers)).data!.document;
    expect(read.versions.edges.map((e: any) => e.node.author.email)).toEqual([vic.email, ed.email, a.email]);
  });
});

describe('AddDocumentComment and Document', () => {
  it('adds comments with anchors and reads the whole document of the contract', async () => {
    const doc = await ok(createDocument({ title: 'Commented', content: { t: 'text' } }), 'createDocument');
    const c1 = await ok(comment(doc.id, ' First! ', { from: 1, to: 4 }), 'addDocumentComment');
    expect(c1).toEqual({ id: expect.any(String), body: 'First!', anchor: { from: 1, to: 4 }, author: { id: a.userId, email: a.email }, createdAt: expect.any(String) });
    await ok(comment(doc.id, 'Whole document'), 'addDocumentComment');
    await ok(share(doc.id, ed.userId, 'EDITOR'), 'shareDocument');
    const read = (await readDocument(doc.id)).data!.document;
    expect(read).toMatchObject({
      id: doc.id, title: 'Commented', content: { t: 'text' }, version: 1, owner: { id: a.userId, email: a.email, firstName: 'Olive' },
      versions: { totalCount: 1, edges: [{ node: { version: 1, title: 'Commented', author: { id: a.userId, email: a.email } } }] },
      comments: [
        { id: c1.id, body: 'First!', anchor: { from: 1, to: 4 }, resolved: false, author: { id: a.userId, email: a.email } },
        { body: 'Whole document', anchor: null, resolved: false },
      ],
      collaborators: [{ role: 'EDITOR', user: { id: ed.userId, email: ed.email } }],
    });
    const events = (await eventsOf(doc.id)).filter((e) => e.type === 'office.document.commented');
    expect(events).toHaveLength(2);
    expect(events[0].payload.data).toMatchObject({ documentId: doc.id, comment: { id: c1.id, body: 'First!' } });
    expect(events[0].payload.audit).toMatchObject({ action: 'comment', resourceType: 'Document', resourceId: doc.id });
  });

  it('rejects an empty body and unknown documents', async () => {
    const doc = await ok(createDocument({ title: 'C2' }), 'createDocument');
    await failsCleanly(a.tenantId, () => comment(doc.id, '   '), 'BAD_USER_INPUT', 'body');
    await failsCleanly(a.tenantId, () => comment(NOBODY, 'x'), 'NOT_FOUND');
  });

  it('returns null for unknown and malformed ids', async () => {
    expect((await readDocument(NOBODY)).data!.document).toBeNull();
    expect((await readDocument('nope')).data!.document).toBeNull();
  });

  it('pages versions with cursors', async () => {
    const doc = await ok(createDocument({ title: 'v1' }), 'createDocument');
    for (let v = 1; v <= 12; v += 1) await ok(editDocument(doc.id, { baseVersion: v, title: `v${v + 1}` }), 'editDocument');
    const q = 'query($id: ID!, $after: String) { document(id: $id) { versions(first: 5, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { version } } } } }';
    const seen: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const res: GraphQLResponse = await gql(url, q, { id: doc.id, after }, a.headers);
      const conn: any = res.data!.document.versions;
      expect(conn.totalCount).toBe(13);
      seen.push(...conn.edges.map((e: any) => e.node.version));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual([...Array(13).keys()].map((n) => 13 - n));
    expect(codeOf(await gql(url, q, { id: doc.id, after: 'garbage' }, a.headers))).toBe('BAD_USER_INPUT');
  });
});

describe('Documents', () => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await signUpTenant(url, 'Writer pages');
    for (const title of ['Alpha report', 'Beta notes', 'Gamma report', 'Delta memo', 'Epsilon report']) await ok(createDocument({ title }, t.headers), 'createDocument');
  });

  it('walks every page newest first without repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const res: GraphQLResponse = await run('Documents', { first: 2, after }, t.headers);
      const conn: any = res.data!.documents;
      expect(conn.totalCount).toBe(5);
      seen.push(...conn.edges.map((e: any) => e.node.title));
      conn.edges.forEach((e: any) => expect(e.node).toMatchObject({ version: 1, owner: { id: t.userId, email: t.email }, updatedAt: expect.any(String) }));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(['Epsilon report', 'Delta memo', 'Gamma report', 'Beta notes', 'Alpha report']);
  });

  it('filters by title and owner', async () => {
    const reports = (await run('Documents', { filter: { search: 'REPORT' } }, t.headers)).data!.documents;
    expect(reports.totalCount).toBe(3);
    expect(reports.edges.map((e: any) => e.node.title)).toEqual(['Epsilon report', 'Gamma report', 'Alpha report']);
    expect((await run('Documents', { filter: { ownerId: t.userId } }, t.headers)).data!.documents.totalCount).toBe(5);
    expect((await run('Documents', { filter: { ownerId: NOBODY } }, t.headers)).data!.documents.totalCount).toBe(0);
    expect(codeOf(await run('Documents', { first: 1000 }, t.headers))).toBe('BAD_USER_INPUT');
  });
});

describe('module gating and audit trail', () => {
  it('fails with FORBIDDEN naming the module when office is not enabled', async () => {
    const t = await signUpTenant(url, 'No office');
    await ok(gql(url, contractOperation('platform', 'UpdateTenant'), { input: { enabledModules: ['crm', 'hr', 'identity'] } }, t.headers), 'updateTenant');
    const res = await createDocument({ title: 'Gated' }, t.headers);
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(res.errors![0].message).toMatch(/office/);
    expect(codeOf(await run('Documents', {}, t.headers))).toBe('FORBIDDEN');
    expect(await outboxCount(t.tenantId)).toBe(0);
  });

  it('puts successful mutations, and only those, into the platform audit trail', async () => {
    const t = await signUpTenant(url, 'Writer audit');
    const doc = await ok(createDocument({ title: 'Audited' }, t.headers), 'createDocument');
    await ok(editDocument(doc.id, { baseVersion: 1, title: 'Audited 2' }, t.headers), 'editDocument');
    expect(codeOf(await editDocument(doc.id, { baseVersion: 1, title: 'Stale' }, t.headers))).toBe('CONFLICT');
    const trail = await eventually(
      () => gql(url, contractOperation('platform', 'AuditTrail'), { filter: { resourceId: doc.id } }, t.headers),
      (r) => r.data?.auditLogs?.totalCount === 2,
      'two document entries',
    );
    const [update, create] = trail.data!.auditLogs.edges.map((e: any) => e.node);
    expect(create).toMatchObject({ action: 'create', resourceType: 'Document', resourceId: doc.id });
    expect(update.changes).toMatchObject({ title: { from: 'Audited', to: 'Audited 2' } });
  });
});

describe('two-tenant isolation', () => {
  it('another tenant\'s documents behave as missing: ids, lists, filters, cursors and every mutation', async () => {
    const doc = await ok(createDocument({ title: 'Secret of A' }), 'createDocument');
    expect((await readDocument(doc.id, b.headers)).data!.document).toBeNull();
    await failsCleanly(b.tenantId, () => editDocument(doc.id, { baseVersion: 1, title: 'Hijack' }, b.headers), 'NOT_FOUND');
    await failsCleanly(b.tenantId, () => comment(doc.id, 'Hijack', null, b.headers), 'NOT_FOUND');
    await failsCleanly(b.tenantId, () => share(doc.id, b.userId, 'EDITOR', b.headers), 'NOT_FOUND');
    const bList = (await run('Documents', { filter: { search: 'Secret' } }, b.headers)).data!.documents;
    expect(bList.totalCount).toBe(0);
    expect((await run('Documents', { filter: { ownerId: a.userId } }, b.headers)).data!.documents.totalCount).toBe(0);
    // A's cursor in B's list shows B's rows only.
    const aPage = (await run('Documents', { first: 1 }, a.headers)).data!.documents;
    await ok(createDocument({ title: 'Of B' }, b.headers), 'createDocument');
    const withCursor = (await run('Documents', { after: aPage.pageInfo.endCursor }, b.headers)).data!.documents;
    withCursor.edges.forEach((e: any) => expect(e.node.owner.id).toBe(b.userId));
    // A user of another tenant (or nobody) cannot be made a collaborator.
    await failsCleanly(a.tenantId, () => share(doc.id, b.userId, 'EDITOR'), 'BAD_USER_INPUT', 'userId');
    await failsCleanly(a.tenantId, () => share(doc.id, NOBODY, 'EDITOR'), 'BAD_USER_INPUT', 'userId');
    expect((await readDocument(doc.id, b.headers)).data!.document).toBeNull();
    const rows = (await db.query('SELECT DISTINCT tenant_id FROM office.document_versions WHERE document_id = $1', [doc.id])).rows;
    expect(rows).toEqual([{ tenant_id: a.tenantId }]);
  });
});

// The contract's Drive operations (shared/contract/operations/office.graphql) end to end through the
// gateway, with real PostgreSQL and the real S3 server of S3_ENDPOINT: bytes go straight to the
// object store with the presigned URLs, never through the gateway.
import { Client } from 'pg';
import { addTenantUser, contractOperation as op, gql, ok, signUpTenant, type TestTenant } from '../helpers/graphql';
import { outboxProbe } from '../helpers/outbox';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let db: Client;
let a: TestTenant;
let b: TestTenant;
let bob: { userId: string; email: string; headers: Record<string, string> };
const { failsCleanly } = outboxProbe('office', () => db);

const run = (name: string, variables: Record<string, unknown>, headers = a.headers) => gql(url, op('office', name), variables, headers);

async function addUser(tenant: TestTenant, role: string, name: string) {
  const user = await addTenantUser(url, tenant, role, name);
  return { userId: user.userId, email: user.email, headers: user.headers };
}

/** requestUpload, PUT the bytes to the presigned URL, completeUpload. */
async function upload(name: string, content: string, folderId: string | null = null, headers = a.headers) {
  const bytes = Buffer.from(content);
  const ticket = await ok(run('RequestUpload', { input: { name, contentType: 'text/plain', size: bytes.length, folderId } }, headers), 'requestUpload');
  const put = await fetch(ticket.uploadUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'text/plain' } });
  expect(put.status).toBe(200);
  const file = await ok(run('CompleteUpload', { fileId: ticket.file.id }, headers), 'completeUpload');
  return { ticket, file };
}

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  a = await signUpTenant(url, 'Alpha');
  b = await signUpTenant(url, 'Beta');
  bob = await addUser(a, 'member', 'bob');
});
afterAll(async () => {
  await db.end();
  await platform.stop();
});

describe('folders', () => {
  it('creates nested folders with paths (CreateFolder), audited', async () => {
    const top = await ok(run('CreateFolder', { name: 'Projects' }), 'createFolder');
    expect(top).toEqual({ id: expect.any(String), name: 'Projects', path: '/Projects', parent: null });
    const sub = await ok(run('CreateFolder', { name: '2026', parentId: top.id }), 'createFolder');
    expect(sub).toEqual({ id: expect.any(String), name: '2026', path: '/Projects/2026', parent: { id: top.id } });
    const { rows } = await db.query('SELECT type, actor_id, payload FROM office.outbox WHERE aggregate_id = $1', [sub.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'office.folder.created', actor_id: a.userId });
    expect(rows[0].payload.audit).toMatchObject({ action: 'create', resourceType: 'Folder', resourceId: sub.id, userId: a.userId });
    expect(rows[0].payload.audit.changes.path).toEqual({ from: null, to: '/Projects/2026' });
  });

  it('rejects bad names, unknown parents and duplicates, writing nothing', async () => {
    await failsCleanly(a.tenantId, () => run('CreateFolder', { name: '  ' }), 'BAD_USER_INPUT', 'name');
    await failsCleanly(a.tenantId, () => run('CreateFolder', { name: 'a/b' }), 'BAD_USER_INPUT', 'name');
    await failsCleanly(a.tenantId, () => run('CreateFolder', { name: 'X', parentId: '00000000-0000-4000-8000-000000000000' }), 'BAD_USER_INPUT', 'parentId');
    await ok(run('CreateFolder', { name: 'Twice' }), 'createFolder');
    await failsCleanly(a.tenantId, () => run('CreateFolder', { name: 'Twice' }), 'CONFLICT', 'name');
  });

  it('lists the root of the drive (Folder without id)', async () => {
    const root = await ok(run('Folder', {}), 'folder');
    expect(root).toMatchObject({ id: a.userId, name: 'My Drive', path: '/' });
    expect(root.folders.map((f: any) => f.name)).toEqual(expect.arrayContaining(['Projects', 'Twice']));
  });
});

describe('uploads', () => {
  let folderId: string;
  beforeAll(async () => {
    folderId = (await ok(run('CreateFolder', { name: 'Uploads' }), 'createFolder')).id;
  });

  it('uploads through the presigned URL, completes, and downloads the bytes (RequestUpload, CompleteUpload, Folder)', async () => {
    const ticket = await ok(run('RequestUpload', { input: { name: 'notes.txt', contentType: 'text/plain', size: 11, folderId } }), 'requestUpload');
    expect(ticket.file).toEqual({ id: expect.any(String), name: 'notes.txt', status: 'PENDING' });
    expect(new Date(ticket.expiresAt).getTime()).toBeGreaterThan(Date.now());
    // The URL points at the object store, not the gateway.
    expect(new URL(ticket.uploadUrl).origin).toBe(new URL(process.env.S3_ENDPOINT!).origin);
    expect(new URL(ticket.uploadUrl).origin).not.toBe(new URL(url).origin);
    const put = await fetch(ticket.uploadUrl, { method: 'PUT', body: 'hello drive', headers: { 'content-type': 'text/plain' } });
    expect(put.status).toBe(200);
    const file = await ok(run('CompleteUpload', { fileId: ticket.file.id }), 'completeUpload');
    expect(file).toEqual({ id: ticket.file.id, name: 'notes.txt', size: 11, contentType: 'text/plain', checksum: expect.any(String), status: 'READY', version: 1 });

    const folder = await ok(run('Folder', { id: folderId }), 'folder');
    expect(folder).toMatchObject({ id: folderId, name: 'Uploads', path: '/Uploads', folders: [] });
    expect(folder.files).toHaveLength(1);
    const listed = folder.files[0];
    expect(listed).toMatchObject({ id: file.id, name: 'notes.txt', size: 11, contentType: 'text/plain', version: 1, owner: { id: a.userId, email: a.email } });
    expect(listed.versions).toEqual([{ version: 1, size: 11, createdAt: expect.any(String) }]);
    const download = new URL(listed.downloadUrl);
    expect(download.searchParams.get('X-Amz-Expires')).toBeTruthy();
    const got = await fetch(listed.downloadUrl);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('hello drive');
  });

  it('adds a new version for the same name in the same folder', async () => {
    const first = await upload('report.txt', 'version one', folderId);
    const second = await upload('report.txt', 'version two!', folderId);
    expect(second.ticket.file.id).toBe(first.file.id);
    expect(second.file).toMatchObject({ id: first.file.id, version: 2, size: 12, status: 'READY' });
    const folder = await ok(run('Folder', { id: folderId }), 'folder');
    const report = folder.files.find((f: any) => f.name === 'report.txt');
    expect(report.versions.map((v: any) => [v.version, v.size])).toEqual([[2, 12], [1, 11]]);
    expect(await (await fetch(report.downloadUrl)).text()).toBe('version two!');
    // The same name at the top level is another file.
    const top = await upload('report.txt', 'elsewhere');
    expect(top.file.id).not.toBe(first.file.id);
    expect(top.file.version).toBe(1);
  });

  it('refuses to complete a missing object or one of another size (BAD_USER_INPUT), writing nothing', async () => {
    const missing = await ok(run('RequestUpload', { input: { name: 'ghost.txt', contentType: 'text/plain', size: 5 } }), 'requestUpload');
    await failsCleanly(a.tenantId, () => run('CompleteUpload', { fileId: missing.file.id }), 'BAD_USER_INPUT', 'fileId');
    const wrong = await ok(run('RequestUpload', { input: { name: 'liar.txt', contentType: 'text/plain', size: 5 } }), 'requestUpload');
    expect((await fetch(wrong.uploadUrl, { method: 'PUT', body: 'not five bytes' })).status).toBe(200);
    await failsCleanly(a.tenantId, () => run('CompleteUpload', { fileId: wrong.file.id }), 'BAD_USER_INPUT', 'fileId');
    const row = (await db.query('SELECT status FROM office.files WHERE id = $1', [wrong.file.id])).rows[0];
    expect(row.status).toBe('pending');
    await failsCleanly(a.tenantId, () => run('CompleteUpload', { fileId: '00000000-0000-4000-8000-000000000000' }), 'NOT_FOUND');
  });

  it('validates the input of RequestUpload', async () => {
    await failsCleanly(a.tenantId, () => run('RequestUpload', { input: { name: 'x', contentType: 'text/plain', size: -1 } }), 'BAD_USER_INPUT', 'size');
    await failsCleanly(a.tenantId, () => run('RequestUpload', { input: { name: 'x', contentType: 'nonsense', size: 1 } }), 'BAD_USER_INPUT', 'contentType');
    await failsCleanly(a.tenantId, () => run('RequestUpload', { input: { name: 'x', contentType: 'text/plain', size: 1, folderId: '00000000-0000-4000-8000-000000000000' } }), 'BAD_USER_INPUT', 'folderId');
  });

  it('counts ready and pending bytes against maxStorageBytes (PLAN_LIMIT_EXCEEDED)', async () => {
    const t = await signUpTenant(url, 'Quota');
    const limit = 5 * 1024 ** 3; // the starter plan
    await failsCleanly(t.tenantId, () => run('RequestUpload', { input: { name: 'huge.bin', contentType: 'application/octet-stream', size: limit + 1 } }, t.headers), 'PLAN_LIMIT_EXCEEDED');
    await ok(run('RequestUpload', { input: { name: 'big.bin', contentType: 'application/octet-stream', size: limit - 100 } }, t.headers), 'requestUpload');
    // The pending announced size counts: 101 more bytes pass the limit, 100 do not.
    await failsCleanly(t.tenantId, () => run('RequestUpload', { input: { name: 'more.bin', contentType: 'application/octet-stream', size: 101 } }, t.headers), 'PLAN_LIMIT_EXCEEDED');
    await ok(run('RequestUpload', { input: { name: 'fits.bin', contentType: 'application/octet-stream', size: 100 } }, t.headers), 'requestUpload');
  });
});

describe('sharing and activity', () => {
  let fileId: string;
  beforeAll(async () => {
    fileId = (await upload('shared.txt', 'for bob')).file.id;
  });

  it('bob cannot see the file before it is shared', async () => {
    const res = await gql(url, 'query($id: ID!) { file(id: $id) { id } }', { id: fileId }, bob.headers);
    expect(res.data!.file).toBeNull();
    await failsCleanly(a.tenantId, () => run('ShareFile', { fileId, input: { userId: a.userId, permission: 'VIEW' } }, bob.headers), 'NOT_FOUND', 'fileId');
  });

  it('shares a file with a user (ShareFile), updates the share on re-share, and bob can download', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const share = await ok(run('ShareFile', { fileId, input: { userId: bob.userId, permission: 'VIEW', expiresAt } }), 'shareFile');
    expect(share).toEqual({ id: expect.any(String), permission: 'VIEW', expiresAt, user: { id: bob.userId, email: bob.email } });
    const again = await ok(run('ShareFile', { fileId, input: { userId: bob.userId, permission: 'EDIT' } }), 'shareFile');
    expect(again).toMatchObject({ id: share.id, permission: 'EDIT', expiresAt: null });
    const seen = await gql(url, 'query($id: ID!) { file(id: $id) { id name downloadUrl } }', { id: fileId }, bob.headers);
    expect(seen.data!.file).toMatchObject({ id: fileId, name: 'shared.txt' });
    expect(await (await fetch(seen.data!.file.downloadUrl)).text()).toBe('for bob');
    const { rows } = await db.query("SELECT type, payload FROM office.outbox WHERE aggregate_id = $1 ORDER BY seq", [share.id]);
    expect(rows.map((r) => r.type)).toEqual(['office.share.created', 'office.share.updated']);
    expect(rows[1].payload.audit.changes.permission).toEqual({ from: 'view', to: 'edit' });
  });

  it('rejects bad share input', async () => {
    await failsCleanly(a.tenantId, () => run('ShareFile', { fileId, input: { userId: 'nope', permission: 'VIEW' } }), 'BAD_USER_INPUT', 'userId');
    await failsCleanly(a.tenantId, () => run('ShareFile', { fileId, input: { userId: bob.userId, permission: 'VIEW', expiresAt: '2000-01-01T00:00:00Z' } }), 'BAD_USER_INPUT', 'expiresAt');
  });

  it('lists drive activity newest first (DriveActivity)', async () => {
    const feed = await ok(run('DriveActivity', { first: 50 }), 'driveActivity');
    const nodes = feed.edges.map((e: any) => e.node);
    expect(nodes[0]).toMatchObject({ action: 'share', file: { id: fileId, name: 'shared.txt' }, actor: { id: a.userId, email: a.email } });
    expect(nodes.map((n: any) => n.action)).toEqual(expect.arrayContaining(['create', 'upload', 'new_version', 'share']));
    const times = nodes.map((n: any) => Date.parse(n.at));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    const bobs = await ok(run('DriveActivity', { first: 50 }, bob.headers), 'driveActivity');
    expect(bobs.edges.every((e: any) => e.node.file?.id === fileId)).toBe(true);
    expect(bobs.edges.length).toBeGreaterThan(0);
  });
});

describe('two tenants', () => {
  it('never shows one tenant the folders, files or activity of another', async () => {
    const folder = await ok(run('CreateFolder', { name: 'Secret' }), 'createFolder');
    const { file } = await upload('secret.txt', 'alpha only', folder.id);
    expect((await run('Folder', { id: folder.id }, b.headers)).data!.folder).toBeNull();
    await failsCleanly(b.tenantId, () => run('CompleteUpload', { fileId: file.id }, b.headers), 'NOT_FOUND');
    await failsCleanly(b.tenantId, () => run('ShareFile', { fileId: file.id, input: { userId: b.userId, permission: 'VIEW' } }, b.headers), 'NOT_FOUND');
    await failsCleanly(b.tenantId, () => run('CreateFolder', { name: 'In', parentId: folder.id }, b.headers), 'BAD_USER_INPUT', 'parentId');
    const root = await ok(run('Folder', {}, b.headers), 'folder');
    expect(root.folders).toEqual([]);
    expect(root.files).toEqual([]);
    expect((await ok(run('DriveActivity', {}, b.headers), 'driveActivity')).edges).toEqual([]);
  });
});

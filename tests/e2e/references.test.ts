// Every id given as input that must name an object of the caller's tenant is checked where it is
// written: tenant B cannot store one of A's user ids as a lead's owner, an employee's user or a
// file share's user (BAD_USER_INPUT on that field, nothing written); A's own users are taken. And a
// file's presigned upload URL no longer touches the file once the upload is completed.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { addTenantUser, contractOperation as op, gql, ok, signUpTenant, type TenantUser, type TestTenant } from '../helpers/graphql';
import { outboxProbe } from '../helpers/outbox';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let db: Client;
let a: TestTenant;
let b: TestTenant;
let aUser: TenantUser;
let bUser: TenantUser;

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  a = await signUpTenant(url, 'RefA');
  b = await signUpTenant(url, 'RefB');
  aUser = await addTenantUser(url, a, 'member', 'refalice');
  bUser = await addTenantUser(url, b, 'member', 'refbob');
});
afterAll(async () => {
  await db.end();
  await platform.stop();
});

const run = (file: string, name: string, variables: Record<string, unknown>, tenant: { headers: Record<string, string> }) => gql(url, op(file, name), variables, tenant.headers);

describe('a lead\'s owner (crm)', () => {
  const { failsCleanly } = outboxProbe('crm', () => db);
  let contactId: string;
  beforeAll(async () => {
    contactId = (await ok(run('crm', 'CreateContact', { input: { firstName: 'R', lastName: 'R', email: 'r@ref.example' } }, b), 'createContact')).id;
  });

  it('another tenant\'s user or no user at all: BAD_USER_INPUT on ownerId, nothing written', async () => {
    for (const ownerId of [aUser.userId, a.userId, randomUUID()]) {
      await failsCleanly(b.tenantId, () => run('crm', 'CreateLead', { input: { contactId, title: 'Probe', ownerId } }, b), 'BAD_USER_INPUT', 'ownerId');
    }
    expect((await db.query('SELECT count(*)::int AS n FROM crm.leads WHERE tenant_id = $1', [b.tenantId])).rows[0].n).toBe(0);
  });

  it('a user of the tenant is taken and resolves', async () => {
    const lead = await ok(run('crm', 'CreateLead', { input: { contactId, title: 'Mine', ownerId: bUser.userId } }, b), 'createLead');
    expect(lead.owner).toEqual({ id: bUser.userId, email: bUser.email });
  });

  it('another tenant\'s contact is BAD_USER_INPUT on contactId', async () => {
    const aContact = (await ok(run('crm', 'CreateContact', { input: { firstName: 'A', lastName: 'A', email: 'a@ref.example' } }, a), 'createContact')).id;
    await failsCleanly(b.tenantId, () => run('crm', 'CreateLead', { input: { contactId: aContact, title: 'Probe' } }, b), 'BAD_USER_INPUT', 'contactId');
  });
});

describe('an employee\'s user and manager (hr)', () => {
  const { failsCleanly } = outboxProbe('hr', () => db);
  const employee = (n: string, extra: Record<string, unknown>) => ({ employeeNumber: n, firstName: 'E', lastName: n, email: `${n.toLowerCase()}@ref.example`, ...extra });

  it('another tenant\'s user or manager, or none: BAD_USER_INPUT on the field, nothing written', async () => {
    await failsCleanly(b.tenantId, () => run('hr', 'CreateEmployee', { input: employee('X-1', { userId: aUser.userId }) }, b), 'BAD_USER_INPUT', 'userId');
    await failsCleanly(b.tenantId, () => run('hr', 'CreateEmployee', { input: employee('X-2', { userId: randomUUID() }) }, b), 'BAD_USER_INPUT', 'userId');
    const aEmployee = (await ok(run('hr', 'CreateEmployee', { input: employee('A-1', { userId: aUser.userId }) }, a), 'createEmployee')).id;
    await failsCleanly(b.tenantId, () => run('hr', 'CreateEmployee', { input: employee('X-3', { managerId: aEmployee }) }, b), 'BAD_USER_INPUT', 'managerId');
  });

  it('a user of the tenant is taken and resolves', async () => {
    const e = await ok(run('hr', 'CreateEmployee', { input: employee('B-1', { userId: bUser.userId }) }, b), 'createEmployee');
    expect(e.user).toEqual({ id: bUser.userId, email: bUser.email });
  });
});

describe('drive', () => {
  const { failsCleanly } = outboxProbe('office', () => db);
  const upload = async (tenant: TestTenant, bytes: Buffer) => {
    const ticket = await ok(run('office', 'RequestUpload', { input: { name: `${randomUUID()}.txt`, contentType: 'text/plain', size: bytes.length } }, tenant), 'requestUpload');
    expect((await fetch(ticket.uploadUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'text/plain' } })).ok).toBe(true);
    const file = await ok(run('office', 'CompleteUpload', { fileId: ticket.file.id }, tenant), 'completeUpload');
    return { file, uploadUrl: ticket.uploadUrl as string };
  };
  const download = async (tenant: TestTenant, fileId: string) => {
    const folder = await ok(run('office', 'Folder', {}, tenant), 'folder');
    const file = folder.files.find((f: { id: string }) => f.id === fileId);
    return Buffer.from(await (await fetch(file.downloadUrl)).arrayBuffer()).toString();
  };

  it('sharing a file with another tenant\'s user or no user: BAD_USER_INPUT on userId, nothing written', async () => {
    const { file } = await upload(b, Buffer.from('shared bytes'));
    for (const userId of [aUser.userId, randomUUID()]) {
      await failsCleanly(b.tenantId, () => run('office', 'ShareFile', { fileId: file.id, input: { userId, permission: 'VIEW' } }, b), 'BAD_USER_INPUT', 'userId');
    }
    const share = await ok(run('office', 'ShareFile', { fileId: file.id, input: { userId: bUser.userId, permission: 'VIEW' } }, b), 'shareFile');
    expect(share.user).toEqual({ id: bUser.userId, email: bUser.email });
  });

  it('sharing a document with another tenant\'s user: BAD_USER_INPUT on userId', async () => {
    const doc = await ok(run('office', 'CreateDocument', { input: { title: 'Ref' } }, b), 'createDocument');
    await failsCleanly(b.tenantId, () => run('office', 'ShareDocument', { id: doc.id, userId: aUser.userId, role: 'VIEWER' }, b), 'BAD_USER_INPUT', 'userId');
  });

  it('an upload URL no longer changes the file once the upload is completed', async () => {
    const { file, uploadUrl } = await upload(b, Buffer.from('the original'));
    // The URL is presigned and cannot be revoked at the store; what it writes is no longer the file.
    await fetch(uploadUrl, { method: 'PUT', body: Buffer.from('overwritten!'), headers: { 'content-type': 'text/plain' } });
    expect(await download(b, file.id)).toBe('the original');
    const again = await ok(run('office', 'Folder', {}, b), 'folder');
    expect(again.files.find((f: { id: string }) => f.id === file.id)).toMatchObject({ size: 12, version: 1 });
  });
});

// The contract's Mail operations (shared/contract/operations/office.graphql) end to end through the
// gateway: Sent and Inbox copies, attachments from the drive (bytes via the object store), errors,
// audit rows for successes only, and two-tenant isolation.
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

const inbox = (headers: Record<string, string>, folder = 'Inbox') => ok(run('Mailbox', { folder, first: 10 }, headers), 'mailbox');

describe('mail', () => {
  let fileId: string;
  let received: any;
  beforeAll(async () => {
    fileId = (await upload('agenda.txt', 'see attached')).file.id;
  });

  it('sends to a colleague and an outsider: Sent copy for the sender, Inbox copy for the colleague (SendEmail, Mailbox)', async () => {
    const sent = await ok(run('SendEmail', { input: { to: [bob.email.toUpperCase(), 'someone@outside.example'], subject: 'Hello', bodyText: 'Hi Bob', attachmentFileIds: [fileId] } }), 'sendEmail');
    expect(sent).toEqual({ id: expect.any(String), subject: 'Hello', to: [bob.email, 'someone@outside.example'], sentAt: expect.any(String), folder: { name: 'Sent' }, attachments: [{ id: expect.any(String), name: 'agenda.txt', size: 12 }] });
    const mine = await inbox(a.headers, 'Sent');
    expect(mine.address).toBe(a.email);
    expect(mine.emails.totalCount).toBe(1);
    const bobs = await inbox(bob.headers);
    expect(bobs.address).toBe(bob.email);
    expect(bobs.folders.find((f: any) => f.name === 'Inbox')).toMatchObject({ unreadCount: 1, totalCount: 1 });
    received = bobs.emails.edges[0].node;
    expect(received).toMatchObject({ subject: 'Hello', from: a.email, to: [bob.email, 'someone@outside.example'], read: false, labels: [] });
    expect(received.attachments[0]).toMatchObject({ name: 'agenda.txt', size: 12 });
    expect(await (await fetch(received.attachments[0].downloadUrl)).text()).toBe('see attached');
    const { rows } = await db.query("SELECT payload FROM office.outbox WHERE aggregate_id = $1 AND type = 'office.email.sent'", [sent.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].payload.audit).toMatchObject({ action: 'create', resourceType: 'Email', userId: a.userId });
  });

  it('marks read and labels (MarkEmailRead, LabelEmail)', async () => {
    expect(await ok(run('MarkEmailRead', { id: received.id, read: true }, bob.headers), 'markEmailRead')).toEqual({ id: received.id, read: true });
    expect(await ok(run('LabelEmail', { id: received.id, label: 'Important' }, bob.headers), 'labelEmail')).toEqual({ id: received.id, labels: [{ name: 'Important' }] });
    const bobs = await inbox(bob.headers);
    expect(bobs.folders.find((f: any) => f.name === 'Inbox')).toMatchObject({ unreadCount: 0, totalCount: 1 });
    expect(bobs.emails.edges[0].node.labels).toEqual([{ name: 'Important', color: null }]);
  });

  it('rejects bad input and other people\'s mail, writing nothing', async () => {
    await failsCleanly(a.tenantId, () => run('SendEmail', { input: { to: ['not-an-address'], subject: 'x' } }), 'BAD_USER_INPUT', 'to.0');
    await failsCleanly(a.tenantId, () => run('SendEmail', { input: { to: [bob.email], subject: 'x', attachmentFileIds: ['00000000-0000-4000-8000-000000000000'] } }), 'BAD_USER_INPUT', 'attachmentFileIds.0');
    await failsCleanly(a.tenantId, () => run('MarkEmailRead', { id: received.id, read: false }), 'NOT_FOUND');
    await failsCleanly(a.tenantId, () => run('LabelEmail', { id: received.id, label: '  ' }, bob.headers), 'BAD_USER_INPUT', 'label');
  });

  it('keeps tenants apart: mail to another tenant\'s user stays an address', async () => {
    await ok(run('SendEmail', { input: { to: [b.email], subject: 'Across' } }), 'sendEmail');
    const theirs = await inbox(b.headers);
    expect(theirs.emails.totalCount).toBe(0);
    await failsCleanly(b.tenantId, () => run('MarkEmailRead', { id: received.id, read: false }, b.headers), 'NOT_FOUND');
  });
});

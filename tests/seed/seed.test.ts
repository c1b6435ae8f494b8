// `npm run seed` against a running platform: two tenants with a user per role and data in every
// module, each user able to sign in as printed, and a second run (the command itself) that finds
// everything and changes nothing.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import {
  AgendaDocument, ContactsDocument, CurrentTenantDocument, DocumentDocument, DocumentsDocument, EmployeesDocument, execute, FolderDocument, LogInDocument,
  MailboxDocument, PipelineDocument, TimesheetDocument, UsersDocument, WorksheetDocument, type TypedDocumentNode,
} from '@bacbos/client';
import { DEMO_PASSWORD, DEMO_ROLES, DEMO_TENANTS, demoEmail, seed } from '../../scripts/seed';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform?.stop());

async function data<D, V>(document: TypedDocumentNode<D, V>, variables: V, token: string): Promise<D> {
  const result = await execute(url, document, variables, { headers: { authorization: `Bearer ${token}` } });
  expect(result.errors).toBeUndefined();
  return result.data!;
}

async function logIn(slug: string, email: string): Promise<string> {
  const result = await execute(url, LogInDocument, { input: { tenantSlug: slug, email, password: DEMO_PASSWORD } });
  expect(result.errors).toBeUndefined();
  return result.data!.logIn.accessToken;
}

/** What a user of each demo tenant sees, module by module (ids, versions and timestamps included, so a rewrite shows). */
async function snapshot() {
  const tenants: Record<string, unknown> = {};
  for (const tenant of DEMO_TENANTS) {
    const owner = await logIn(tenant.slug, demoEmail(tenant, 'owner'));
    const member = await logIn(tenant.slug, demoEmail(tenant, 'member'));
    const current = (await data(CurrentTenantDocument, {}, owner)).tenant!;
    const users = (await data(UsersDocument, { first: 50 }, owner)).users.edges.map((e) => ({ email: e.node.email, roles: e.node.roles.map((r) => r.name) }));
    const contacts = (await data(ContactsDocument, { first: 50 }, owner)).contacts.edges.map(({ node }) => ({
      id: node.id, email: node.email, leads: node.leads.map((l) => ({ id: l.id, title: l.title, status: l.status, owner: l.owner?.email })),
      opportunities: node.opportunities.map((o) => ({ id: o.id, name: o.name, stage: o.stage, probability: o.probability })),
    }));
    const employees = (await data(EmployeesDocument, { first: 50 }, owner)).employees.edges.map(({ node }) => ({ id: node.id, number: node.employeeNumber, user: node.user?.email, manager: node.manager?.id ?? null }));
    const memberEmployee = employees.find((e) => e.user === demoEmail(tenant, 'member'))!;
    const year = new Date().getUTCFullYear();
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const worked = (await data(TimesheetDocument, { employeeId: memberEmployee.id, from: day(-365), to: day(0) }, owner)).timesheet;
    const leave = (await data(TimesheetDocument, { employeeId: memberEmployee.id, from: `${year + 1}-01-01`, to: `${year + 1}-12-31` }, owner)).timesheet;
    const documents = (await data(DocumentsDocument, { first: 50 }, owner)).documents.edges.map((e) => e.node);
    const document = (await data(DocumentDocument, { id: documents[0].id }, owner)).document!;
    const worksheetId = (current.settings as { demoSeed: { worksheetId: string } }).demoSeed.worksheetId;
    const worksheet = (await data(WorksheetDocument, { id: worksheetId }, owner)).worksheet!;
    const root = (await data(FolderDocument, {}, owner)).folder!;
    const folder = (await data(FolderDocument, { id: root.folders.find((f) => f.name === 'Demo files')!.id }, owner)).folder!;
    const inbox = (await data(MailboxDocument, { folder: 'Inbox', first: 20 }, member)).mailbox!;
    const now = Date.now();
    const agenda = (await data(AgendaDocument, { from: new Date(now).toISOString(), to: new Date(now + 14 * 86_400_000).toISOString() }, member)).agenda;
    tenants[tenant.slug] = {
      tenant: { id: current.id, updatedAt: current.updatedAt },
      users, contacts, employees,
      pipeline: (await data(PipelineDocument, {}, owner)).pipeline,
      timesheet: { records: worked.records.map((r) => r.id), leave: leave.leave.map((l) => ({ id: l.id, status: l.status, days: `${l.startDate}..${l.endDate}` })) },
      documents: documents.map((d) => ({ id: d.id, title: d.title, version: d.version })),
      document: { version: document.version, comments: document.comments.length, collaborators: document.collaborators.map((c) => `${c.user.email}:${c.role}`) },
      worksheet: worksheet.cells,
      files: folder.files.map((f) => ({ id: f.id, name: f.name, version: f.version, size: f.size })),
      inbox: inbox.emails.edges.map((e) => ({ id: e.node.id, subject: e.node.subject, from: e.node.from })),
      agenda: agenda.map((a) => ({ eventId: a.eventId, title: a.title })),
    };
  }
  return tenants as Record<string, any>;
}

it('seeds two tenants with every module, and a second `npm run seed` finds everything and changes nothing', async () => {
  const first = await seed(url);
  expect(first.createdItems.length).toBe(first.created);
  expect(first.created).toBeGreaterThanOrEqual(40);
  expect(first.users).toHaveLength(DEMO_TENANTS.length * DEMO_ROLES.length);

  const before = await snapshot();
  for (const tenant of DEMO_TENANTS) {
    const t = before[tenant.slug];
    // A user per system role, each holding that role.
    for (const role of DEMO_ROLES) expect(t.users).toContainEqual({ email: demoEmail(tenant, role), roles: [role] });
    expect(t.users).toHaveLength(DEMO_ROLES.length);
    // CRM: the contacts, leads owned by the member, one opportunity moved to its stage.
    expect(t.contacts).toHaveLength(tenant.contacts.length);
    const leads = t.contacts.flatMap((c: any) => c.leads);
    expect(leads).toHaveLength(tenant.contacts.filter((c) => c.lead).length);
    for (const lead of leads) expect(lead.owner).toBe(demoEmail(tenant, 'member'));
    const opportunity = tenant.contacts.find((c) => c.lead?.opportunity)!.lead!.opportunity!;
    expect(t.contacts.flatMap((c: any) => c.opportunities)).toEqual([expect.objectContaining({ name: opportunity.name, stage: opportunity.stage, probability: opportunity.probability })]);
    expect(leads.filter((l: any) => l.status === 'converted')).toHaveLength(1);
    expect(t.pipeline.map((p: any) => p.stage)).toContain(opportunity.stage);
    // HR: an employee per user, managed by the owner's; a worked day and an approved leave.
    expect(t.employees).toHaveLength(DEMO_ROLES.length);
    const ownerEmployee = t.employees.find((e: any) => e.user === demoEmail(tenant, 'owner'));
    for (const e of t.employees.filter((x: any) => x !== ownerEmployee)) expect(e.manager).toBe(ownerEmployee.id);
    expect(t.timesheet.records).toHaveLength(1);
    expect(t.timesheet.leave).toEqual([expect.objectContaining({ status: 'APPROVED' })]);
    // Office: the shared, commented document; the spreadsheet computed its total; the file; mail; calendar.
    expect(t.documents.map((d: any) => d.title)).toEqual([`Welcome to ${tenant.name}`]);
    expect(t.document).toMatchObject({ comments: 1, collaborators: [`${demoEmail(tenant, 'member')}:EDITOR`] });
    expect(t.worksheet).toContainEqual({ row: 5, column: 1, value: '158000', formula: '=SUM(B2:B5)' });
    expect(t.files).toEqual([expect.objectContaining({ name: 'README.txt', version: 1 })]);
    expect(t.inbox).toEqual([expect.objectContaining({ subject: `Welcome to ${tenant.name}`, from: demoEmail(tenant, 'owner') })]);
    expect(t.agenda.filter((a: any) => a.title === 'Team stand-up').length).toBeGreaterThanOrEqual(2);
  }
  // Two tenants, nothing of one in the other.
  const [acme, globex] = DEMO_TENANTS.map((tenant) => before[tenant.slug]);
  expect(acme.tenant.id).not.toBe(globex.tenant.id);
  expect(acme.contacts.map((c: any) => c.id)).not.toEqual(expect.arrayContaining([globex.contacts[0].id]));

  // The command itself, a second time: nothing created, and it says how to sign in.
  // Asynchronously: the platform answering it runs in this process.
  const run = await promisify(execFile)(join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx'), ['scripts/seed.ts'], {
    cwd: join(__dirname, '..', '..'), encoding: 'utf8', env: { ...process.env, GATEWAY_URL: url }, timeout: 120_000,
  });
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(new RegExp(`seed: 0 item\\(s\\) created, ${first.created + first.found} already there`));
  expect(run.stdout).not.toMatch(/^seed: created/m);
  for (const tenant of DEMO_TENANTS) {
    for (const role of DEMO_ROLES) expect(run.stdout).toContain(`| ${tenant.name} | ${tenant.slug} | ${role} | ${demoEmail(tenant, role)} |`);
  }
  expect(run.stdout).toContain(DEMO_PASSWORD);

  expect(await snapshot()).toEqual(before);
}, 240_000);

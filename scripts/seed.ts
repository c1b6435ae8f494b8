// `npm run seed`: demo data on a running platform, through the gateway only (GATEWAY_URL, default
// http://127.0.0.1:4000/graphql), with the typed client of the web apps (@bacbos/client): two
// tenants, a user per system role, a CRM pipeline (contacts, leads, opportunities), HR records
// (employees, attendance, leave), documents, a spreadsheet with formulas, files, mail and a
// calendar. Every item is found before it is created (by its natural key: an email, a title, a
// name), so running it again changes nothing; it prints how to sign in as each demo user.
// The spreadsheet has no list query in the contract: the seed keeps its worksheet id in the
// tenant's settings (`settings.demoSeed`) to find it again.
import {
  AddDocumentCommentDocument, AgendaDocument, ClockInDocument, ClockOutDocument, CompleteUploadDocument, ContactsDocument, ConvertLeadDocument,
  CreateContactDocument, CreateDocumentDocument, CreateEmployeeDocument, CreateEventDocument, CreateFolderDocument, CreateLeadDocument,
  CreateSpreadsheetDocument, CurrentTenantDocument, DecideLeaveDocument, DocumentDocument, DocumentsDocument, EmployeesDocument, execute, FolderDocument,
  InviteUserDocument, LogInDocument, MailboxDocument, MoveOpportunityDocument, RequestLeaveDocument, RequestUploadDocument, SendEmailDocument, SetCellsDocument,
  ShareDocumentDocument, SignUpDocument, TimesheetDocument, UpdateTenantDocument, UsersDocument, WorksheetDocument, type ClientResult, type TypedDocumentNode,
} from '@bacbos/client';
import { setting } from '@bacbos/common';

/** Every demo user's password (a demo platform only: change or remove these users elsewhere). */
export const DEMO_PASSWORD = 'bacbos-demo-password';
export const DEMO_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type DemoRole = (typeof DEMO_ROLES)[number];

interface DemoTenant {
  name: string;
  slug: string;
  domain: string;
  people: Record<DemoRole, { firstName: string; lastName: string; department: string; position: string }>;
  contacts: { firstName: string; lastName: string; company: string; title: string; tags: string[]; lead?: { title: string; value: string; priority: string; opportunity?: { name: string; amount: string; stage: string; probability: number } } }[];
}

export const DEMO_TENANTS: DemoTenant[] = [
  {
    name: 'Acme Demo', slug: 'demo-acme', domain: 'acme.example',
    people: {
      owner: { firstName: 'Olivia', lastName: 'Owens', department: 'Management', position: 'CEO' },
      admin: { firstName: 'Adam', lastName: 'Adler', department: 'IT', position: 'Administrator' },
      member: { firstName: 'Maya', lastName: 'Meyer', department: 'Sales', position: 'Account executive' },
      viewer: { firstName: 'Victor', lastName: 'Vance', department: 'Finance', position: 'Auditor' },
    },
    contacts: [
      { firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical Engines', title: 'CTO', tags: ['vip'], lead: { title: 'Engine upgrade', value: '48000.00', priority: 'high', opportunity: { name: 'Engine upgrade 2027', amount: '45000.00', stage: 'proposal', probability: 60 } } },
      { firstName: 'Grace', lastName: 'Hopper', company: 'Cobol Systems', title: 'Director', tags: ['partner'], lead: { title: 'Compiler licences', value: '12000.00', priority: 'medium' } },
      { firstName: 'Alan', lastName: 'Turing', company: 'Bletchley Labs', title: 'Researcher', tags: ['prospect'], lead: { title: 'Codebreaking suite', value: '90000.00', priority: 'urgent' } },
      { firstName: 'Katherine', lastName: 'Johnson', company: 'Orbit Dynamics', title: 'Analyst', tags: [] },
      { firstName: 'Edsger', lastName: 'Dijkstra', company: 'Shortest Path BV', title: 'Founder', tags: ['prospect'] },
    ],
  },
  {
    name: 'Globex Demo', slug: 'demo-globex', domain: 'globex.example',
    people: {
      owner: { firstName: 'Hank', lastName: 'Scorpio', department: 'Management', position: 'CEO' },
      admin: { firstName: 'Alma', lastName: 'Ames', department: 'IT', position: 'Administrator' },
      member: { firstName: 'Milo', lastName: 'Marsh', department: 'Sales', position: 'Sales lead' },
      viewer: { firstName: 'Vera', lastName: 'Voss', department: 'Legal', position: 'Counsel' },
    },
    contacts: [
      { firstName: 'Homer', lastName: 'Simpson', company: 'Springfield Nuclear', title: 'Safety inspector', tags: ['vip'], lead: { title: 'Reactor monitoring', value: '250000.00', priority: 'high', opportunity: { name: 'Reactor monitoring rollout', amount: '240000.00', stage: 'negotiation', probability: 75 } } },
      { firstName: 'Frank', lastName: 'Grimes', company: 'Grimes Consulting', title: 'Consultant', tags: ['prospect'], lead: { title: 'Process audit', value: '18000.00', priority: 'low' } },
      { firstName: 'Lisa', lastName: 'Simpson', company: 'Springfield Elementary', title: 'Student council', tags: [] },
    ],
  },
];

export const demoEmail = (tenant: DemoTenant, role: DemoRole) => `${role}@${tenant.domain}`;

export interface SeedSummary {
  created: number;
  found: number;
  /** What was created, as `<tenant> <kind> <key>` (empty on a run that changed nothing). */
  createdItems: string[];
  users: { tenant: string; slug: string; role: DemoRole; email: string; password: string }[];
}

type Log = (line: string) => void;

class SeedError extends Error {}

/** Seeds the demo data through the gateway at `url`; find-or-create everywhere. */
export async function seed(url: string, log: Log = () => {}): Promise<SeedSummary> {
  const summary: SeedSummary = { created: 0, found: 0, createdItems: [], users: [] };
  const note = (created: boolean, what: string) => {
    if (created) {
      summary.created += 1;
      summary.createdItems.push(what);
      log(`created ${what}`);
    } else {
      summary.found += 1;
    }
  };
  for (const tenant of DEMO_TENANTS) await seedTenant(url, tenant, summary, note);
  return summary;
}

async function attempt<D, V>(url: string, document: TypedDocumentNode<D, V>, variables: V, token?: string): Promise<ClientResult<D>> {
  return execute(url, document, variables, token ? { headers: { authorization: `Bearer ${token}` } } : {});
}

/**
 * Runs one operation that must succeed and returns its data. With `replica`, a BAD_USER_INPUT is
 * retried for up to a minute: crm, hr and office learn of a new user from the platform's events,
 * milliseconds after the invitation once running, longer while a fresh deployment's directory
 * consumers read the event history from the beginning.
 */
async function must<D, V>(url: string, document: TypedDocumentNode<D, V>, variables: V, token?: string, replica = false): Promise<D> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const result = await attempt(url, document, variables, token);
    if (result.data && !result.errors?.length) return result.data;
    const error = result.errors?.[0];
    if (replica && error?.extensions?.code === 'BAD_USER_INPUT' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    const name = (document.definitions[0] as { name?: { value: string } }).name?.value;
    throw new SeedError(`${name} failed (HTTP ${result.status}): ${error ? `${error.extensions?.code ?? ''} ${error.message}` : 'no data'}`);
  }
}

async function seedTenant(url: string, tenant: DemoTenant, summary: SeedSummary, note: (created: boolean, what: string) => void) {
  const tag = tenant.slug;
  const people = tenant.people;
  const logIn = (role: DemoRole) => attempt(url, LogInDocument, { input: { tenantSlug: tenant.slug, email: demoEmail(tenant, role), password: DEMO_PASSWORD } });

  // ---- the tenant and its owner
  let ownerLogin = await logIn('owner');
  if (!ownerLogin.data?.logIn) {
    if (ownerLogin.errors?.[0]?.extensions?.code !== 'UNAUTHENTICATED') throw new SeedError(`logIn of ${demoEmail(tenant, 'owner')} failed: ${ownerLogin.errors?.[0]?.message}`);
    const signedUp = await attempt(url, SignUpDocument, {
      input: { tenantName: tenant.name, tenantSlug: tenant.slug, email: demoEmail(tenant, 'owner'), password: DEMO_PASSWORD, firstName: people.owner.firstName, lastName: people.owner.lastName },
    });
    if (signedUp.errors?.[0]?.extensions?.code === 'CONFLICT') {
      throw new SeedError(`the tenant slug ${tenant.slug} is taken by a tenant whose owner ${demoEmail(tenant, 'owner')} does not sign in with the demo password`);
    }
    if (!signedUp.data) throw new SeedError(`signUp of ${tenant.slug} failed: ${signedUp.errors?.[0]?.message}`);
    note(true, `${tag} tenant and owner ${demoEmail(tenant, 'owner')}`);
    ownerLogin = await logIn('owner');
  } else {
    note(false, `${tag} tenant`);
  }
  const owner = ownerLogin.data!.logIn;
  const ownerToken = owner.accessToken;

  // ---- one user per system role
  const userIds: Record<DemoRole, string> = { owner: owner.user.id, admin: '', member: '', viewer: '' };
  for (const role of DEMO_ROLES.filter((r) => r !== 'owner')) {
    const email = demoEmail(tenant, role);
    const existing = (await must(url, UsersDocument, { first: 5, filter: { search: email } }, ownerToken)).users.edges.find((e) => e.node.email === email);
    if (existing) {
      userIds[role] = existing.node.id;
    } else {
      const invited = await must(url, InviteUserDocument, { input: { email, firstName: people[role].firstName, lastName: people[role].lastName, roleNames: [role], password: DEMO_PASSWORD } }, ownerToken);
      userIds[role] = invited.inviteUser.id;
    }
    note(!existing, `${tag} user ${email} (${role})`);
  }
  for (const role of DEMO_ROLES) summary.users.push({ tenant: tenant.name, slug: tenant.slug, role, email: demoEmail(tenant, role), password: DEMO_PASSWORD });
  const memberLogin = await logIn('member');
  if (!memberLogin.data) throw new SeedError(`logIn of ${demoEmail(tenant, 'member')} failed: ${memberLogin.errors?.[0]?.message}`);
  const memberToken = memberLogin.data.logIn.accessToken;

  // ---- CRM: contacts, leads owned by the member, one converted into an opportunity and moved on
  for (const c of tenant.contacts) {
    const email = `${c.firstName}.${c.lastName}@${c.company.replace(/[^A-Za-z]+/g, '-').replace(/^-|-$/g, '')}.example`.toLowerCase();
    const findContact = async () => (await must(url, ContactsDocument, { first: 5, filter: { search: email } }, ownerToken)).contacts.edges.map((e) => e.node).find((n) => n.email === email);
    let contact = await findContact();
    note(!contact, `${tag} contact ${email}`);
    if (!contact) {
      await must(url, CreateContactDocument, { input: { firstName: c.firstName, lastName: c.lastName, email, company: c.company, title: c.title, tags: c.tags, source: 'demo' } }, ownerToken);
      contact = (await findContact())!;
    }
    if (!c.lead) continue;
    const leadTitle = c.lead.title;
    let leadId = contact.leads.find((l) => l.title === leadTitle)?.id;
    note(!leadId, `${tag} lead ${leadTitle}`);
    leadId ??= (await must(url, CreateLeadDocument, {
      input: { contactId: contact.id, title: leadTitle, value: c.lead.value, currency: 'EUR', priority: c.lead.priority, ownerId: userIds.member, source: 'demo' },
    }, ownerToken, true)).createLead.id;
    const o = c.lead.opportunity;
    if (!o) continue;
    let opportunity: { id: string; stage: string | null } | undefined = contact.opportunities.find((x) => x.name === o.name);
    note(!opportunity, `${tag} opportunity ${o.name}`);
    opportunity ??= (await must(url, ConvertLeadDocument, { id: leadId, input: { name: o.name, amount: o.amount, probability: 40 } }, ownerToken)).convertLead;
    if (opportunity.stage !== o.stage) {
      await must(url, MoveOpportunityDocument, { id: opportunity.id, stage: o.stage, probability: o.probability }, ownerToken);
    }
  }

  // ---- HR: an employee per user (the owner manages the others), a worked day, an approved leave
  const employeeIds = {} as Record<DemoRole, string>;
  for (const [index, role] of DEMO_ROLES.entries()) {
    const email = demoEmail(tenant, role);
    const found = (await must(url, EmployeesDocument, { first: 5, filter: { search: people[role].lastName } }, ownerToken)).employees.edges.find((e) => e.node.user?.email === email);
    note(!found, `${tag} employee ${email}`);
    employeeIds[role] = found?.node.id ?? (await must(url, CreateEmployeeDocument, {
      input: {
        employeeNumber: `E-${String(index + 1).padStart(3, '0')}`, firstName: people[role].firstName, lastName: people[role].lastName, email, userId: userIds[role],
        department: people[role].department, position: people[role].position, hireDate: '2024-01-15', managerId: role === 'owner' ? undefined : employeeIds.owner,
      },
    }, ownerToken, true)).createEmployee.id;
  }
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  // One worked day in the last year (a timesheet covers at most 366 days).
  const worked = (await must(url, TimesheetDocument, { employeeId: employeeIds.member, from: day(-365), to: day(0) }, ownerToken)).timesheet.records;
  note(!worked.length, `${tag} attendance of ${demoEmail(tenant, 'member')}`);
  if (!worked.length) {
    await must(url, ClockInDocument, { input: { employeeId: employeeIds.member, method: 'WEB', location: 'Office' } }, memberToken);
    await must(url, ClockOutDocument, { employeeId: employeeIds.member }, memberToken);
  }
  const year = new Date().getUTCFullYear();
  const leave = { startDate: `${year + 1}-03-08`, endDate: `${year + 1}-03-12` };
  const leaves = (await must(url, TimesheetDocument, { employeeId: employeeIds.member, from: `${year + 1}-03-01`, to: `${year + 1}-03-31` }, ownerToken)).timesheet.leave;
  let vacation = leaves.find((l) => l.startDate === leave.startDate && l.type === 'VACATION');
  note(!vacation, `${tag} leave ${leave.startDate}..${leave.endDate} of ${demoEmail(tenant, 'member')}`);
  vacation ??= (await must(url, RequestLeaveDocument, { input: { employeeId: employeeIds.member, type: 'VACATION', ...leave, reason: 'Spring holiday' } }, memberToken)).requestLeave;
  if (vacation.status === 'PENDING') await must(url, DecideLeaveDocument, { id: vacation.id, approve: true, note: 'Enjoy!' }, ownerToken);

  // ---- Writer: a document shared with the member, with a comment
  const docTitle = `Welcome to ${tenant.name}`;
  let documentId = (await must(url, DocumentsDocument, { first: 5, filter: { search: docTitle } }, ownerToken)).documents.edges.find((e) => e.node.title === docTitle)?.node.id;
  note(!documentId, `${tag} document ${docTitle}`);
  documentId ??= (await must(url, CreateDocumentDocument, {
    input: { title: docTitle, content: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: `Hello from ${tenant.name}: this is demo data from npm run seed.` }] }] } },
  }, ownerToken)).createDocument.id;
  const document = (await must(url, DocumentDocument, { id: documentId }, ownerToken)).document!;
  if (!document.collaborators.some((c) => c.user.id === userIds.member)) {
    await must(url, ShareDocumentDocument, { id: documentId, userId: userIds.member, role: 'EDITOR' }, ownerToken, true);
  }
  if (!document.comments.length) await must(url, AddDocumentCommentDocument, { documentId, body: 'Please review before Friday.' }, ownerToken);

  // ---- Sheets: a budget with formulas (found again through the tenant's settings)
  const settings = ((await must(url, CurrentTenantDocument, {}, ownerToken)).tenant?.settings ?? {}) as { demoSeed?: { worksheetId?: string } };
  const knownWorksheet = settings.demoSeed?.worksheetId ? (await must(url, WorksheetDocument, { id: settings.demoSeed.worksheetId }, ownerToken)).worksheet : null;
  note(!knownWorksheet, `${tag} spreadsheet Budget ${year}`);
  if (!knownWorksheet) {
    const created = (await must(url, CreateSpreadsheetDocument, { input: { title: `Budget ${year}`, worksheets: ['Budget'] } }, ownerToken)).createSpreadsheet;
    const worksheetId = created.worksheets[0].id;
    const rows: [string, string][] = [['Salaries', '120000'], ['Office', '24000'], ['Travel', '8000'], ['Software', '6000']];
    await must(url, SetCellsDocument, {
      worksheetId,
      cells: [
        { row: 0, column: 0, value: 'Item' }, { row: 0, column: 1, value: 'Amount' },
        ...rows.flatMap(([item, amount], i) => [{ row: i + 1, column: 0, value: item }, { row: i + 1, column: 1, value: amount }]),
        { row: rows.length + 1, column: 0, value: 'Total' }, { row: rows.length + 1, column: 1, formula: `=SUM(B2:B${rows.length + 1})` },
      ],
    }, ownerToken);
    await must(url, UpdateTenantDocument, { input: { settings: { demoSeed: { worksheetId } } } }, ownerToken);
  }

  // ---- Drive: a folder with a file (bytes go straight to the object store, as a browser does)
  const root = (await must(url, FolderDocument, {}, ownerToken)).folder;
  let folderId = root?.folders.find((f) => f.name === 'Demo files')?.id;
  note(!folderId, `${tag} folder Demo files`);
  folderId ??= (await must(url, CreateFolderDocument, { name: 'Demo files' }, ownerToken)).createFolder.id;
  const folder = (await must(url, FolderDocument, { id: folderId }, ownerToken)).folder;
  const fileName = 'README.txt';
  note(!folder?.files.some((f) => f.name === fileName), `${tag} file Demo files/${fileName}`);
  if (!folder?.files.some((f) => f.name === fileName)) {
    const bytes = new TextEncoder().encode(`Demo file of ${tenant.name}, uploaded by npm run seed.
`);
    const upload = (await must(url, RequestUploadDocument, { input: { name: fileName, contentType: 'text/plain', size: bytes.length, folderId } }, ownerToken)).requestUpload;
    const put = await fetch(upload.uploadUrl, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: bytes });
    if (!put.ok) throw new SeedError(`uploading ${fileName} to the object store failed: HTTP ${put.status}`);
    await must(url, CompleteUploadDocument, { fileId: upload.file.id }, ownerToken);
  }

  // ---- Mail: the owner welcomes the team (delivered into their inboxes)
  const subject = `Welcome to ${tenant.name}`;
  const sent = (await must(url, MailboxDocument, { folder: 'Sent', first: 20 }, ownerToken)).mailbox;
  note(!sent?.emails.edges.some((e) => e.node.subject === subject), `${tag} email ${subject}`);
  if (!sent?.emails.edges.some((e) => e.node.subject === subject)) {
    await must(url, SendEmailDocument, {
      input: { to: DEMO_ROLES.filter((r) => r !== 'owner').map((r) => demoEmail(tenant, r)), subject, bodyText: `Hello team, welcome to ${tenant.name}. The demo data is yours to play with.` },
    }, ownerToken);
  }

  // ---- Calendar: a weekly stand-up every Monday with the team
  const now = Date.now();
  const agenda = (await must(url, AgendaDocument, { from: new Date(now - 8 * 86_400_000).toISOString(), to: new Date(now + 8 * 86_400_000).toISOString() }, ownerToken)).agenda;
  note(!agenda.some((a) => a.title === 'Team stand-up'), `${tag} event Team stand-up`);
  if (!agenda.some((a) => a.title === 'Team stand-up')) {
    await must(url, CreateEventDocument, {
      input: {
        title: 'Team stand-up', description: 'Fifteen minutes, standing.', location: 'Meeting room 1', startsAt: '2026-01-05T09:00:00.000Z', endsAt: '2026-01-05T09:15:00.000Z',
        recurrence: 'FREQ=WEEKLY;BYDAY=MO', attendeeEmails: DEMO_ROLES.filter((r) => r !== 'owner').map((r) => demoEmail(tenant, r)), reminderMinutes: [10],
      },
    }, ownerToken);
  }
}

// ---------------------------------------------------------------------------------------------

function printSignIn(url: string, summary: SeedSummary) {
  console.log(`\nseed: ${summary.created} item(s) created, ${summary.found} already there (${url})\n`);
  console.log('Sign in as any demo user (password for all of them: ' + DEMO_PASSWORD + '):\n');
  console.log('| Tenant | tenantSlug | Role | Email |\n|---|---|---|---|');
  for (const u of summary.users) console.log(`| ${u.tenant} | ${u.slug} | ${u.role} | ${u.email} |`);
  const first = summary.users[0];
  console.log(`\nIn the playground (${url}):\n  mutation { logIn(input: { tenantSlug: "${first.slug}", email: "${first.email}", password: "${first.password}" }) { accessToken } }`);
  console.log('then send the accessToken as the header  Authorization: Bearer <accessToken>');
}

if (require.main === module) {
  const url = setting('GATEWAY_URL');
  seed(url, (line) => console.log(`seed: ${line}`)).then((summary) => printSignIn(url, summary), (error: Error) => {
    console.error(`seed: ${error instanceof SeedError ? error.message : `${error.message} (is the platform running at ${url}? npm start)`}`);
    process.exit(1);
  });
}

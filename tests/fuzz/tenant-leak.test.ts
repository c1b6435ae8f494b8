// Tenant-leak fuzzer over the client contract. Tenant A gets every module seeded through the
// contract's own operations (contacts, leads, opportunities, documents with content, comments and
// shares, spreadsheets with cells, presentations, drive folders and uploaded files, mail, calendar
// events, meet rooms and chat, employees, attendance, leave, devices, API keys, OAuth clients,
// roles, invited users, database instances), every value in A's answers is harvested (ids, cursors,
// keys, URLs, filter strings), and then tenant B — an owner, so that permissions never hide a leak —
// runs every contract operation with A's values put into its variables one position at a time,
// over HTTP, and every subscription over WebSocket with A's object ids and `after:` A's event ids
// while A keeps writing. A leak is any of A's ids or distinctive values (marker strings, A's
// emails, slug, object keys) in B's answers; in an error only a value B did not send itself counts
// (an error may name the id it refuses). B's mutations that succeed on A's ids count too, and A's
// data is compared before and after B's run. Deterministic and bounded: ATTEMPTS_PER_OPERATION.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import WebSocket from 'ws';
import { Supergraph } from '@apollo/federation-internals';
import {
  getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, Kind, parse, print, typeFromAST,
  type GraphQLInputType, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import { addTenantUser, contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { waitFor, wsUrl } from '../subscriptions/helpers';
import { composeSupergraph } from '../../scripts/compose';
import { seededRandom } from '../helpers/random';

const ATTEMPTS_PER_OPERATION = 40;
/** Operations that hash a password (argon2, ~0.5 s of CPU): fewer attempts. */
const SLOW_OPERATIONS: Record<string, number> = { SignUp: 3, LogIn: 4, InviteUser: 3 };
/** Would end B's own session, or is a bearer capability by design (a refresh token is the session). */
const SKIPPED = new Set(['LogOut', 'RefreshSession']);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** Keys whose values are secrets shown once: bearer capabilities, never fed to B's operations. */
const SECRET_KEYS = new Set(['accessToken', 'refreshToken', 'secret', 'clientSecret', 'otpauthUrl']);
const CURSOR_KEYS = new Set(['cursor', 'startCursor', 'endCursor']);
/** Field names that name a user; their `id` is a user id. */
const USER_FIELDS = new Set(['user', 'users', 'owner', 'author', 'actor', 'sender', 'members', 'decidedBy', 'createdBy', 'me', 'inviteUser', 'assignRole', 'participant']);

let platform: RunningPlatform;
let url: string;
let db: Client;
let schema: GraphQLSchema;
let a: TestTenant;
let b: TestTenant;
/** The unique marker inside every text A writes. */
const MARK = `LeakMark${randomUUID().slice(0, 8)}`;
const marked = (what: string) => `${MARK} ${what}`;
/** A range around today that the bounded queries accept (a timesheet covers at most 366 days). */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const FROM = day(-170);
const TO = day(170);

// ---- what A's answers held ----
/** A's ids by kind (the field name they were found under, normalised). */
const aIds = new Map<string, Set<string>>();
const aCursors = new Set<string>();
const aStrings = new Set<string>(); // filter values: marker strings, emails, key prefixes, join codes, slugs
/** Distinctive values of A: finding one in B's answers is a leak. */
const aValues = new Set<string>();
/** B's own objects by kind, to fill the variables that are not under test. */
const bSeeds: Record<string, string> = {};
/** Values B sees of its own (global themes, plans): not A's even if A saw them too. */
const bValues = new Set<string>();

// ---- deterministic randomness ----
const { shuffle } = seededRandom(0x1b873593);

const FIELD_KINDS: Record<string, string> = {
  convertLead: 'opportunity', completeUpload: 'file', shareFile: 'fileshare', databaseInstances: 'database', provisionDatabase: 'database',
  attachments: 'file', recordings: 'file', files: 'file', folders: 'folder', agenda: 'event', emails: 'email',
};
function kindOf(field: string): string {
  if (USER_FIELDS.has(field)) return 'user';
  if (FIELD_KINDS[field]) return FIELD_KINDS[field];
  let k = field.replace(/^(create|update|edit|delete|convert|move|share|add|request|complete|register|start|end|send|mark|label|join|leave|decide|revoke|provision|clock(In|Out)|invite|assign|change|define|set)(?=[A-Z])/, '');
  k = k.toLowerCase();
  if (k.endsWith('ies')) k = `${k.slice(0, -3)}y`;
  else if (k.endsWith('s') && !k.endsWith('ss')) k = k.slice(0, -1);
  return k;
}

/** Walks one of A's answers and files every value it holds. */
function harvest(value: unknown, parentKind = '', key = ''): void {
  if (Array.isArray(value)) { for (const item of value) harvest(item, parentKind, key); return; }
  if (value && typeof value === 'object') {
    const kind = key === 'edges' || key === 'node' || key === '' ? parentKind : kindOf(key);
    for (const [k, v] of Object.entries(value)) harvest(v, kind, k);
    return;
  }
  if (typeof value !== 'string') return;
  if (SECRET_KEYS.has(key)) { aValues.add(value); return; }
  if (CURSOR_KEYS.has(key)) { aCursors.add(value); return; }
  if (/^https?:\/\//.test(value)) {
    const u = new URL(value);
    aValues.add(u.pathname); // the object key: signatures differ per call
    return;
  }
  for (const id of value.match(UUID) ?? []) {
    aValues.add(id.toLowerCase());
    if ((key === 'id' || key.endsWith('Id')) && value === id) {
      const kind = key === 'id' ? parentKind : kindOf(key.slice(0, -2));
      if (!aIds.has(kind)) aIds.set(kind, new Set());
      aIds.get(kind)!.add(id);
    }
  }
  if (value.includes(MARK) || value.includes(a.slug)) { aValues.add(value); aStrings.add(value); }
  if (['keyPrefix', 'clientId', 'joinCode', 'serialNumber', 'employeeNumber', 'invoiceNumber'].includes(key)) { aValues.add(value); aStrings.add(value); }
}

function collectStrings(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, into);
  else if (typeof value === 'string') {
    into.add(value);
    for (const id of value.match(UUID) ?? []) into.add(id.toLowerCase());
  }
}

/** A's values found in an answer of B. In errors, values B sent itself do not count (an error may quote them). */
function leaksIn(body: unknown, sent: Set<string>): string[] {
  const found = new Set<string>();
  const check = (s: string) => {
    if (aValues.has(s) && !bValues.has(s)) found.add(s);
    else if (s.includes(MARK) || s.includes(a.slug)) found.add(s);
    else {
      for (const id of s.match(UUID) ?? []) if (aValues.has(id.toLowerCase()) && !bValues.has(id.toLowerCase())) found.add(id);
    }
  };
  const { data, errors } = (body ?? {}) as { data?: unknown; errors?: unknown };
  const inData = new Set<string>();
  collectStrings(data, inData);
  for (const s of inData) check(s);
  const inErrors = new Set<string>();
  collectStrings(errors, inErrors);
  for (const s of inErrors) {
    let rest = s;
    for (const x of sent) if (x.length >= 6) rest = rest.split(x).join('');
    if (rest) check(rest);
  }
  return [...found];
}

async function asTenant(t: TestTenant, file: string, name: string, variables: Record<string, unknown>): Promise<any> {
  const res = await gql(url, op(file, name), variables, t.headers);
  if (res.errors) throw new Error(`${name} as ${t.slug}: ${JSON.stringify(res.errors)}`);
  return res.data;
}

const contractDir = join(__dirname, '..', '..', '..', 'shared', 'contract', 'operations');
/** Operations an open issue brings into the contract (search, searchSuggest): fuzzed as well. */
const pendingDir = join(__dirname, '..', '..', '..', 'shared', 'contract', 'pending');
function contractOperations(): { name: string; kind: string; text: string; node: OperationDefinitionNode }[] {
  const seen = new Set<string>();
  return [contractDir, pendingDir].flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort().flatMap((file) =>
    parse(readFileSync(join(dir, file), 'utf8')).definitions
      .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
      .map((node) => ({ name: node.name!.value, kind: node.operation, text: print(node), node }))))
    .filter((o) => !seen.has(o.name) && seen.add(o.name));
}

/** Seeds every module of a tenant through the contract; returns every answer (A's are harvested). */
async function seed(t: TestTenant, label: string): Promise<unknown[]> {
  const answers: unknown[] = [];
  const run = async (file: string, name: string, variables: Record<string, unknown> = {}) => {
    const data = await asTenant(t, file, name, variables);
    answers.push(data);
    return data;
  };
  const text = (what: string) => (label === 'A' ? marked(what) : `${label} ${what}`);
  const mail = (what: string) => `${what}-${label === 'A' ? MARK.toLowerCase() : t.slug}@example.com`;
  const member = await addTenantUser(url, t, 'member', `leak${label}`);
  answers.push({ user: { id: member.userId, email: member.email } });
  const contact = (await run('crm', 'CreateContact', { input: { firstName: text('First'), lastName: text('Last'), email: mail('contact'), company: text('Co'), tags: [text('tag')], customFields: { note: text('custom') } } })).createContact;
  const contact2 = (await run('crm', 'CreateContact', { input: { firstName: text('Second'), lastName: text('Last'), email: mail('contact2'), company: text('Co') } })).createContact;
  const lead = (await run('crm', 'CreateLead', { input: { contactId: contact.id, title: text('lead'), value: '1000.00', ownerId: member.userId, tags: [text('ltag')] } })).createLead;
  await run('crm', 'CreateLead', { input: { contactId: contact2.id, title: text('lead2') } });
  const opportunity = (await run('crm', 'ConvertLead', { id: lead.id, input: { name: text('opportunity'), amount: '5000.00' } })).convertLead;
  await run('crm', 'MoveOpportunity', { id: opportunity.id, stage: 'negotiation', probability: 60 });
  const manager = (await run('hr', 'CreateEmployee', { input: { employeeNumber: text('M1'), firstName: text('Manager'), lastName: text('Boss'), email: mail('manager'), userId: t.userId, department: text('dept') } })).createEmployee;
  const employee = (await run('hr', 'CreateEmployee', { input: { employeeNumber: text('E1'), firstName: text('Emp'), lastName: text('Loyee'), email: mail('employee'), userId: member.userId, managerId: manager.id, position: text('pos') } })).createEmployee;
  const device = (await run('hr', 'RegisterBiometricDevice', { input: { name: text('device'), serialNumber: text('SN'), location: text('lobby') } })).registerBiometricDevice;
  await run('hr', 'ClockIn', { input: { employeeId: employee.id, method: 'WEB', location: text('desk') } });
  await run('hr', 'ClockOut', { employeeId: employee.id });
  const leave = (await run('hr', 'RequestLeave', { input: { employeeId: employee.id, type: 'VACATION', startDate: '2026-07-01', endDate: '2026-07-03', reason: text('reason') } })).requestLeave;
  await run('hr', 'RequestLeave', { input: { employeeId: manager.id, type: 'SICK', startDate: '2026-08-03', endDate: '2026-08-03', reason: text('pending') } });
  await run('hr', 'DecideLeave', { id: leave.id, approve: true, note: text('note') });
  await run('hr', 'StartRemoteSession', { input: { employeeId: employee.id, ipAddress: '10.0.0.1', location: text('home') } });
  const doc = (await run('office', 'CreateDocument', { input: { title: text('doc'), content: { type: 'doc', text: text('content') } } })).createDocument;
  await run('office', 'EditDocument', { id: doc.id, input: { baseVersion: doc.version, content: { type: 'doc', text: text('edited') } } });
  await run('office', 'AddDocumentComment', { documentId: doc.id, body: text('comment'), anchor: { at: text('anchor') } });
  await run('office', 'ShareDocument', { id: doc.id, userId: member.userId, role: 'EDITOR' });
  const sheet = (await run('office', 'CreateSpreadsheet', { input: { title: text('sheet'), worksheets: [text('ws1'), text('ws2')] } })).createSpreadsheet;
  const worksheet = sheet.worksheets[0].id;
  await run('office', 'SetCells', { worksheetId: worksheet, cells: [{ row: 0, column: 0, value: text('cell') }, { row: 0, column: 1, value: '2' }, { row: 0, column: 2, formula: '=B1*21' }] });
  await run('office', 'DefineNamedRange', { worksheetId: worksheet, name: `${label}range`, range: { fromRow: 0, fromColumn: 0, toRow: 0, toColumn: 2 } });
  const presentation = (await run('office', 'CreatePresentation', { title: text('deck') })).createPresentation;
  await run('office', 'AddSlide', { presentationId: presentation.id, input: { layout: 'title', elements: [{ type: 'text', content: { text: text('slide') }, x: 1, y: 1, width: 10, height: 5 }] } });
  const folder = (await run('office', 'CreateFolder', { name: text('folder') })).createFolder;
  await run('office', 'CreateFolder', { name: text('sub'), parentId: folder.id });
  const bytes = `${text('file body')}\n`;
  const ticket = (await run('office', 'RequestUpload', { input: { name: `${text('file')}.txt`, contentType: 'text/plain', size: Buffer.byteLength(bytes), folderId: folder.id } })).requestUpload;
  const put = await fetch(ticket.uploadUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'text/plain' } });
  if (put.status !== 200) throw new Error(`PUT to the presigned URL: ${put.status}`);
  const file = (await run('office', 'CompleteUpload', { fileId: ticket.file.id })).completeUpload;
  await run('office', 'ShareFile', { fileId: file.id, input: { userId: member.userId, permission: 'VIEW' } });
  await run('office', 'SendEmail', { input: { to: [member.email], subject: text('subject'), bodyText: text('body'), attachmentFileIds: [file.id] } });
  await run('office', 'CreateEvent', { input: { title: text('event'), description: text('desc'), location: text('room'), startsAt: '2026-03-02T10:00:00Z', endsAt: '2026-03-02T11:00:00Z', attendeeEmails: [member.email], recurrence: 'FREQ=WEEKLY;COUNT=3', reminderMinutes: [10] } });
  const room = (await run('office', 'CreateRoom', { name: text('room') })).createRoom;
  await run('office', 'JoinRoom', { roomId: room.id });
  await run('office', 'SendChatMessage', { roomId: room.id, body: text('chat') });
  const key = await run('platform', 'CreateApiKey', { input: { name: text('key'), scopes: ['crm:read'] } });
  await run('identity', 'CreateOAuthClient', { input: { name: text('oauth'), redirectUris: [`https://${label.toLowerCase()}.example.com/cb`], scopes: ['crm:read'] } });
  const role = (await run('platform', 'CreateRole', { input: { name: `${label}-role-${t.slug}`, description: text('role'), permissions: ['crm:read'] } })).createRole;
  await run('platform', 'AssignRole', { userId: member.userId, roleId: role.id });
  await run('platform', 'UpdateTenant', { input: { settings: { motto: text('settings') } } });
  await run('platform', 'ProvisionDatabase', { input: { name: `${label.toLowerCase()}db${t.slug.slice(2, 8)}`, engine: 'postgresql', version: '16', region: 'eu-west-1', instanceType: 'small', config: { note: text('db') } } });
  // Every read of the contract, as this tenant: ids, cursors and URLs of everything above.
  const reads: [string, string, Record<string, unknown>][] = [
    ['crm', 'Contacts', { first: 1 }], ['crm', 'Contacts', { first: 50 }], ['crm', 'Contact', { id: contact.id }], ['crm', 'Pipeline', {}], ['crm', 'MyLeads', {}],
    ['hr', 'Employees', { first: 1 }], ['hr', 'Employees', { first: 50 }], ['hr', 'Timesheet', { employeeId: employee.id, from: FROM, to: TO }],
    ['identity', 'Me', {}], ['identity', 'Organizations', {}],
    ['office', 'Document', { id: doc.id }], ['office', 'Documents', { first: 1 }], ['office', 'Documents', { first: 50 }], ['office', 'Worksheet', { id: worksheet }],
    ['office', 'Folder', {}], ['office', 'Folder', { id: folder.id }], ['office', 'DriveActivity', { first: 50 }], ['office', 'Mailbox', { first: 50 }],
    ['office', 'Agenda', { from: '2026-01-01T00:00:00Z', to: '2026-12-31T00:00:00Z' }], ['office', 'Room', { id: room.id }], ['office', 'Presentation', { id: presentation.id }],
    ['platform', 'CurrentTenant', {}], ['platform', 'Users', { first: 1 }], ['platform', 'Users', { first: 50 }], ['platform', 'ApiKeys', {}], ['platform', 'Billing', {}],
    ['platform', 'AuditTrail', { first: 1 }], ['platform', 'AuditTrail', { first: 50 }], ['platform', 'DatabaseInstances', {}],
  ];
  for (const [f, n, v] of reads) await run(f, n, v);
  // The member's mailbox holds the delivered copy (another email id).
  answers.push((await gql(url, op('office', 'Mailbox'), { first: 50 }, member.headers)).data);
  Object.assign(bSeeds, label === 'B' ? {
    user: member.userId, contact: contact.id, lead: lead.id, opportunity: opportunity.id, employee: employee.id, leave: leave.id, document: doc.id,
    worksheet, presentation: presentation.id, folder: folder.id, file: file.id, room: room.id, role: role.id, apikey: key.createApiKey.apiKey.id, device: device.device.id,
  } : {});
  return answers;
}

// ---- B's variables ----
interface Position { path: (string | number)[]; scalar: string; name: string }

/** Every scalar position of a variable's type (list items as index 0). */
function positionsOf(type: GraphQLInputType, path: (string | number)[], name: string): Position[] {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return positionsOf(inner.ofType, [...path, 0], name);
  if (isInputObjectType(inner)) return Object.values(inner.getFields()).flatMap((f) => positionsOf(f.type, [...path, f.name], f.name));
  if (isEnumType(inner)) return [];
  return [{ path, scalar: getNamedType(inner).name, name }];
}

const B_KINDS: [RegExp, string][] = [
  [/^contactId$/, 'contact'], [/^employeeId$/, 'employee'], [/^(managerId)$/, 'employee'], [/^documentId$/, 'document'], [/^worksheetId$/, 'worksheet'], [/^roomId$/, 'room'],
  [/^(fileId|attachmentFileIds)$/, 'file'], [/^presentationId$/, 'presentation'], [/^(userId|ownerId)$/, 'user'], [/^roleId$/, 'role'], [/^(folderId|parentId)$/, 'folder'], [/^deviceId$/, 'device'],
];
/** The kinds of id an ID position may plausibly take. */
function kindsFor(name: string, operation: string): string[] {
  for (const [pattern, kind] of B_KINDS) if (pattern.test(name)) return [kind];
  if (name === 'id') {
    const k = kindOf(operation.replace(/^[A-Z]/, (c) => c.toLowerCase()).replace(/^(mark|label)Email.*/, 'email').replace(/^endRemoteSession$/, 'remoteSession').replace(/^revokeApiKey$/, 'apiKey'));
    return [k, k.replace(/read$/, '')];
  }
  if (name === 'eventId') return ['event'];
  if (name === 'calendarId') return ['calendar'];
  if (name === 'themeId') return ['theme'];
  return [name.replace(/Id$/, '').toLowerCase()];
}

function baseValue(type: GraphQLInputType, name: string, operation: string): unknown {
  if (isNonNullType(type)) return baseValue(type.ofType, name, operation);
  if (isListType(type)) return [baseValue(type.ofType, name, operation)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (!isNonNullType(field.type) && !/Id$/.test(field.name)) continue; // optional fields: only ids
      out[field.name] = baseValue(field.type, field.name, operation);
    }
    return out;
  }
  switch (type.name) {
    case 'ID': return kindsFor(name, operation).map((k) => bSeeds[k]).find(Boolean) ?? randomUUID();
    case 'Int': return name === 'first' || name === 'last' ? 50 : 1;
    case 'Float': return 1;
    case 'Boolean': return true;
    case 'Date': return name === 'from' || name.startsWith('start') ? FROM : TO;
    case 'DateTime': return `${name.toLowerCase().includes('end') || name === 'to' ? TO : FROM}T00:00:00Z`;
    case 'Decimal': return '10.00';
    case 'BigInt': return '100';
    case 'JSON': return { leak: true };
    default:
      if (/email/i.test(name)) return `b-${randomUUID().slice(0, 8)}@example.com`;
      if (name === 'after') return null;
      if (name === 'password') return b.password;
      if (name === 'tenantSlug') return b.slug;
      if (name === 'stage') return 'qualification';
      return `b ${name} ${randomUUID().slice(0, 6)}`;
  }
}

function setAt(base: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  let target: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (target[key] === null || typeof target[key] !== 'object') target[key] = typeof key === 'number' ? [] : {};
    target = target[key] as Record<string | number, unknown>;
  }
  target[path[path.length - 1]] = value;
  return copy;
}

/** A's values to put at one position: ids of a plausible kind first, then the others; cursors; filter strings. */
function candidatesFor(p: Position, operation: string, isQuery: boolean): string[] {
  if (p.name === 'after') return [...aCursors];
  if (p.scalar === 'ID') {
    const kinds = kindsFor(p.name, operation);
    const plausible = kinds.flatMap((k) => [...(aIds.get(k) ?? [])]);
    const others = shuffle([...new Set([...aIds.values()].flatMap((s) => [...s]))].filter((id) => !plausible.includes(id))).slice(0, 6);
    return [...new Set([...plausible, ...others])];
  }
  // A's strings in B's writes would become B's own data; they are tried as filters and look-ups only.
  if (p.scalar === 'String' && isQuery) return shuffle([...aStrings]).slice(0, 8);
  if (p.scalar === 'String' && (p.name === 'tenantSlug')) return [a.slug];
  if (p.scalar === 'String' && p.name === 'email' && operation === 'LogIn') return [a.email];
  return [];
}

async function send(query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] } };
  }
}

/** A's data as A reads it, for the before/after comparison (fields that change on their own left out). */
async function snapshotOfA(): Promise<string> {
  const reads: [string, string, Record<string, unknown>][] = [
    ['crm', 'Contacts', { first: 50 }], ['hr', 'Employees', { first: 50 }], ['office', 'Documents', { first: 50 }], ['office', 'Folder', {}],
    ['office', 'Agenda', { from: '2026-01-01T00:00:00Z', to: '2026-12-31T00:00:00Z' }], ['platform', 'Users', { first: 50 }], ['platform', 'ApiKeys', {}],
    ['identity', 'Organizations', {}], ['crm', 'Pipeline', {}],
  ];
  const out: unknown[] = [];
  for (const [f, n, v] of reads) out.push((await gql(url, op(f, n), v, a.headers)).data);
  return JSON.stringify(out, (k, v) => (['lastLogin', 'lastUsedAt', 'usageStats', 'downloadUrl', 'updatedAt'].includes(k) ? undefined : v));
}

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  schema = Supergraph.build(composeSupergraph().supergraph).apiSchema().toGraphQLJSSchema();
  a = await signUpTenant(url, marked('Tenant'), 'enterprise');
  b = await signUpTenant(url, 'LeakB', 'enterprise');
  const aAnswers = await seed(a, 'A');
  harvest({ user: { id: a.userId, email: a.email }, tenant: { id: a.tenantId, slug: a.slug } });
  for (const answer of aAnswers) harvest(answer);
  aValues.add(a.slug);
  aStrings.add(a.slug);
  aStrings.add(a.email);
  const bAnswers = await seed(b, 'B');
  for (const answer of bAnswers) collectStrings(answer, bValues);
  collectStrings({ b: [b.userId, b.tenantId, b.slug, b.email] }, bValues);
}, 180_000);
afterAll(async () => {
  await db.end();
  await platform.stop();
});

it('tenant B, an owner, sees none of A\'s data through any contract operation with any of A\'s values', async () => {
  const started = Date.now();
  const leaks: string[] = [];
  let attempts = 0;
  // Search would show a leak: A itself finds its marked objects (indexed from its events), so B's
  // Search and SearchSuggest with A's strings below must find nothing of them.
  const searchOp = contractOperations().find((o) => o.name === 'Search');
  if (searchOp) {
    const deadline = Date.now() + 10_000;
    let found = 0;
    while (!found && Date.now() < deadline) {
      found = (await send(searchOp.text, { query: MARK }, a.headers)).body.data?.search?.totalCount ?? 0;
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found).toBeGreaterThan(3);
  }
  const before = await snapshotOfA();
  for (const operation of contractOperations()) {
    if (operation.kind === 'subscription' || SKIPPED.has(operation.name)) continue;
    const isQuery = operation.kind === 'query';
    const base: Record<string, unknown> = {};
    const tries: { path: (string | number)[]; value: string }[] = [];
    for (const definition of operation.node.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      const type = typeFromAST(schema, definition.type) as GraphQLInputType;
      base[name] = baseValue(type, name, operation.name);
      for (const p of positionsOf(type, [name], name)) {
        for (const value of candidatesFor(p, operation.name, isQuery)) tries.push({ path: p.path, value });
      }
    }
    // Without A's values too: B's plain answer must not hold A's data either.
    const chosen = [{ path: [] as (string | number)[], value: '' }, ...shuffle(tries).slice(0, (SLOW_OPERATIONS[operation.name] ?? ATTEMPTS_PER_OPERATION) - 1)];
    for (const t of chosen) {
      attempts += 1;
      const variables = t.path.length ? setAt(base, t.path, t.value) : base;
      const sent = new Set<string>();
      collectStrings(variables, sent);
      const { status, body } = await send(operation.text, variables, b.headers);
      const where = `${operation.name} ${t.path.join('.') || '(B\'s own values)'} = ${t.value.slice(0, 60)}`;
      if (status >= 500) leaks.push(`${where}: HTTP ${status} ${JSON.stringify(body).slice(0, 200)}`);
      for (const leak of leaksIn(body, sent)) leaks.push(`${where}: A's ${leak} in ${JSON.stringify(body).slice(0, 300)}`);
      // A mutation of B that succeeds on one of A's ids wrote into A (or stored a reference to A).
      const root = body.data && Object.values(body.data)[0];
      if (!isQuery && t.path.length && aValues.has(t.value) && !body.errors?.length && root !== null && root !== undefined && root !== false) {
        leaks.push(`${where}: accepted A's id (${JSON.stringify(body).slice(0, 200)})`);
      }
    }
  }
  const after = await snapshotOfA();
  if (after !== before) leaks.push(`A's data changed during B's run:\n    before ${before.slice(0, 400)}\n    after  ${after.slice(0, 400)}`);
  console.log(`tenant-leak fuzzer (HTTP): ${attempts} attempts as tenant B with ${[...aIds.values()].reduce((n, s) => n + s.size, 0)} of A's ids (${aIds.size} kinds), `
    + `${aCursors.size} cursors, ${aStrings.size} strings, ${aValues.size} distinctive values, in ${Date.now() - started} ms: ${leaks.length} leaks`
    + leaks.slice(0, 40).map((l) => `\n  ${l}`).join(''));
  expect(leaks).toEqual([]);
}, 300_000);

// ---- subscriptions ----
interface Socket { socket: WebSocket; messages: any[]; closed: boolean; closeCode?: number }

async function connect(token: string): Promise<Socket> {
  const socket = new WebSocket(wsUrl(url), 'graphql-transport-ws');
  const s: Socket = { socket, messages: [], closed: false };
  socket.on('message', (data) => s.messages.push(JSON.parse(String(data))));
  socket.on('close', (code) => { s.closed = true; s.closeCode = code; });
  await new Promise<void>((resolve, reject) => { socket.once('open', () => resolve()); socket.once('error', reject); });
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  await waitFor(() => s.messages.some((m) => m.type === 'connection_ack') || s.closed, 'connection_ack');
  return s;
}

/** The contract's subscriptions with `after` added, and platformEvents (admin events, not in the contract's operations). */
function subscriptionDocuments(): { name: string; text: string; idVar?: string }[] {
  const out = contractOperations().filter((o) => o.kind === 'subscription').map((o) => {
    const field = o.node.selectionSet.selections[0];
    if (field.kind !== Kind.FIELD) throw new Error('a root field');
    const vars = (o.node.variableDefinitions ?? []).map((d) => `$${d.variable.name.value}: ${print(d.type)}`);
    const args = (field.arguments ?? []).map((arg) => print(arg));
    const text = `subscription ${o.name}(${[...vars, '$after: ID'].join(', ')}) { ${field.name.value}(${[...args, 'after: $after'].join(', ')}) ${print(field.selectionSet!)} }`;
    return { name: o.name, text, idVar: o.node.variableDefinitions?.[0]?.variable.name.value };
  });
  out.push({ name: 'PlatformEvents', text: 'subscription PlatformEvents($after: ID) { platformEvents(after: $after) { id type resourceId payload occurredAt } }', idVar: undefined });
  return out;
}

it('B\'s subscriptions, with A\'s object ids and after: A\'s event ids, deliver nothing of A while A writes', async () => {
  const started = Date.now();
  const docs = subscriptionDocuments();
  const { rows } = await db.query(`SELECT id::text FROM (SELECT id, occurred_at FROM crm.outbox WHERE tenant_id = $1 UNION ALL SELECT id, occurred_at FROM office.outbox WHERE tenant_id = $1
                                    UNION ALL SELECT id, occurred_at FROM platform.outbox WHERE tenant_id = $1 ORDER BY occurred_at LIMIT 12) e`, [a.tenantId]);
  const eventIds: (string | null)[] = [null, ...rows.map((r) => r.id as string)];
  for (const id of eventIds) if (id) aValues.add(id);
  const kindOfVar: Record<string, string> = { documentId: 'document', worksheetId: 'worksheet', roomId: 'room' };
  const plans: { doc: (typeof docs)[number]; variables: Record<string, unknown> }[] = [];
  for (const doc of docs) {
    const objectIds = doc.idVar ? [bSeeds[kindOfVar[doc.idVar]], ...(aIds.get(kindOfVar[doc.idVar]) ?? [])] : [undefined];
    for (const objectId of objectIds) {
      for (const after of eventIds.slice(0, objectId === bSeeds[kindOfVar[doc.idVar ?? '']] || !doc.idVar ? eventIds.length : 2)) {
        plans.push({ doc, variables: { ...(doc.idVar ? { [doc.idVar]: objectId } : {}), after } });
      }
    }
  }
  // 25 subscriptions per socket at most (the gateway's limit): several sockets.
  const sockets: Socket[] = [];
  const sentById = new Map<string, { where: string; sent: Set<string> }>();
  for (let i = 0; i < plans.length; i += 20) {
    const s = await connect(b.accessToken);
    sockets.push(s);
    plans.slice(i, i + 20).forEach((plan, j) => {
      const id = `${i + j}`;
      const sent = new Set<string>();
      collectStrings(plan.variables, sent);
      sentById.set(id, { where: `${plan.doc.name} ${JSON.stringify(plan.variables)}`, sent });
      s.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: plan.doc.text, variables: plan.variables } }));
    });
  }
  const own = await connect(a.accessToken);
  own.socket.send(JSON.stringify({ id: 'own', type: 'subscribe', payload: { query: docs.find((d) => d.name === 'ContactEvents')!.text, variables: { after: null } } }));
  await new Promise((r) => setTimeout(r, 500));
  // A writes in every module with a live feed while B listens.
  const doc = [...aIds.get('document')!][0];
  const worksheet = [...aIds.get('worksheet')!][0];
  const room = [...aIds.get('room')!][0];
  await asTenant(a, 'crm', 'CreateContact', { input: { firstName: marked('Live'), lastName: marked('Contact'), email: `live-${MARK.toLowerCase()}@example.com` } });
  const current = (await asTenant(a, 'office', 'Document', { id: doc })).document;
  await asTenant(a, 'office', 'EditDocument', { id: doc, input: { baseVersion: current.version, title: marked('live title') } });
  await asTenant(a, 'office', 'AddDocumentComment', { documentId: doc, body: marked('live comment') });
  await asTenant(a, 'office', 'SetCells', { worksheetId: worksheet, cells: [{ row: 5, column: 5, value: marked('live cell') }] });
  await asTenant(a, 'office', 'SendChatMessage', { roomId: room, body: marked('live chat') });
  await asTenant(a, 'platform', 'CreateApiKey', { input: { name: marked('live key'), scopes: ['crm:read'] } });
  // Wait for A's events to reach A's own subscriber: then B's would have had them too.
  await waitFor(() => own.messages.filter((m) => m.id === 'own' && m.type === 'next').some((m) => JSON.stringify(m).includes('Live')), 'A\'s own live contact event');
  await new Promise((r) => setTimeout(r, 1000));
  own.socket.close();
  const leaks: string[] = [];
  let messages = 0;
  for (const s of sockets) {
    for (const m of s.messages) {
      if (m.type === 'connection_ack' || m.type === 'pong' || m.type === 'ping') continue;
      messages += 1;
      const info = sentById.get(m.id) ?? { where: `(socket message ${m.type})`, sent: new Set<string>() };
      for (const leak of leaksIn(m.payload ?? {}, info.sent)) leaks.push(`${info.where}: A's ${leak} in ${JSON.stringify(m).slice(0, 300)}`);
    }
    s.socket.close();
  }
  console.log(`tenant-leak fuzzer (WebSocket): ${plans.length} subscriptions as tenant B over ${sockets.length} sockets (${eventIds.length - 1} of A's event ids as after), `
    + `${messages} messages received in ${Date.now() - started} ms: ${leaks.length} leaks${leaks.slice(0, 30).map((l) => `\n  ${l}`).join('')}`);
  expect(leaks).toEqual([]);
}, 120_000);

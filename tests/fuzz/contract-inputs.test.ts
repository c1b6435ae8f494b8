// Input fuzzer over the client contract: every query and mutation of
// ../shared/contract/operations/*.graphql, with its variables built from their declared types and
// then mutated one position at a time by type (NUL, 1 MB and unusual Unicode strings, lone
// surrogates, out-of-range and non-finite numbers, deep and huge JSON, wrong types, missing
// required fields, nulls, bad cursors and ids). Every answer must be below HTTP 500 and every
// error must carry a contract code other than INTERNAL_SERVER_ERROR; a mutation that failed must
// have written nothing (no outbox row in any subgraph: every successful write emits one).
// Deterministic (seeded) and bounded: ATTEMPTS_PER_OPERATION per operation; it prints the count.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Supergraph } from '@apollo/federation-internals';
import {
  getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, Kind, parse, print, typeFromAST,
  type GraphQLInputType, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import { addTenantUser, contractOperation as op, gql, ok, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { composeSupergraph } from '../../scripts/compose';
import { seededRandom } from '../helpers/random';

const ATTEMPTS_PER_OPERATION = 24;
/** Operations that hash a password (argon2, ~0.5 s of CPU): fewer attempts. */
const SLOW_OPERATIONS: Record<string, number> = { SignUp: 6, LogIn: 6, InviteUser: 6 };
/** Would end the fuzzer's own session. */
const SKIPPED = new Set(['LogOut']);
const CONTRACT_CODES = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'PLAN_LIMIT_EXCEEDED', 'RATE_LIMITED', 'PERSISTED_QUERY_REQUIRED',
  'PERSISTED_QUERY_NOT_FOUND', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'QUERY_TOO_COMPLEX', 'BAD_REQUEST',
]);

let platform: RunningPlatform;
let url: string;
let db: Client;
let tenant: TestTenant;
let schema: GraphQLSchema;
/** Ids of real objects of the tenant, by kind, so that mutations reach the checks behind the id. */
const seeds: Record<string, string> = {};

// ---- deterministic randomness ----
const { shuffle } = seededRandom(0x2545f491);

// ---- values that cannot travel as JSON.stringify output, spliced into the raw body ----
const RAW: Record<string, string> = {
  '"\\u0000RAW:INF"': '1e999',
  '"\\u0000RAW:NEGINF"': '-1e999',
  '"\\u0000RAW:DEEP"': `${'{"d":'.repeat(5000)}1${'}'.repeat(5000)}`,
  '"\\u0000RAW:DEEPLIST"': `${'['.repeat(5000)}${']'.repeat(5000)}`,
};
const raw = (name: string) => `\u0000RAW:${name}`;

const MEGABYTE = 'x'.repeat(1024 * 1024);
const STRINGS: unknown[] = [
  'nul\u0000byte', '\u0000', MEGABYTE, 'lone \uD800 surrogate', '\uDFFF', '👩‍👩‍👧‍👦 \u202E evil \u200B\uFEFF e\u0301 𝔘', '%_\\', '\\', '', '   ', 123, { a: 1 }, [], true, null,
];
const IDS: unknown[] = ['not-a-uuid', '00000000-0000-0000-0000-000000000000', randomUUID(), ' ', 'x\u0000', 42, null];
const INTS: unknown[] = [2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, 1e308, raw('INF'), raw('NEGINF'), 1.5, -1, '1', null, true];
const JSONS: unknown[] = [raw('DEEP'), raw('DEEPLIST'), { 'k\u0000': 1 }, { v: 'a\u0000b' }, { v: '\uD800' }, Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])), 'text', 7, [], null];
const forge = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
const CURSORS: unknown[] = [
  'garbage', '!!!', forge(['createdAt', '2026-01-01T00:00:00.000Z', 'not-a-uuid']), forge(['createdAt', '2026-99-99', randomUUID()]),
  forge(['email', 'a\u0000', randomUUID()]), forge(['email', null, randomUUID()]), Buffer.from('v99999999999').toString('base64url'), Buffer.from('v-1').toString('base64url'), 'x\u0000',
];
const BY_SCALAR: Record<string, unknown[]> = {
  String: STRINGS, ID: IDS, Int: INTS, Float: INTS, Boolean: ['true', 1, null],
  Date: ['2026-13-01', '2026-02-30', '99999-01-01', '0000-00-00', 20260101, '\u0000'],
  DateTime: ['2026-13-01T00:00:00Z', 'yesterday', '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00Z', '9999-12-31T23:59:59.999-23:59', 0],
  Decimal: ['1e400', '12345678901234567.00', 'NaN', '-0.001', 1.5, ''],
  BigInt: ['9'.repeat(400), '-1', 'abc', 1.5, 12],
  JSON: JSONS,
};

// ---- building valid-looking variables from the declared types ----
function idFor(name: string, operation: string): string {
  const kinds: [RegExp, string][] = [
    [/^contactId$/, 'contact'], [/^employeeId$/, 'employee'], [/^(documentId)$/, 'document'], [/^worksheetId$/, 'worksheet'], [/^roomId$/, 'room'],
    [/^fileId$/, 'file'], [/^presentationId$/, 'presentation'], [/^userId$/, 'user'], [/^roleId$/, 'role'], [/^(folderId|parentId)$/, 'folder'],
  ];
  for (const [pattern, kind] of kinds) if (pattern.test(name) && seeds[kind]) return seeds[kind];
  if (name === 'id') {
    for (const kind of ['Contact', 'Lead', 'Opportunity', 'Document', 'Room', 'Email', 'Session', 'ApiKey', 'Folder', 'Presentation', 'Leave']) {
      if (operation.includes(kind) && seeds[kind.toLowerCase()]) return seeds[kind.toLowerCase()];
    }
  }
  return randomUUID();
}

function baseValue(type: GraphQLInputType, name: string, operation: string): unknown {
  if (isNonNullType(type)) return baseValue(type.ofType, name, operation);
  if (isListType(type)) return [baseValue(type.ofType, name, operation)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) out[field.name] = baseValue(field.type, field.name, operation);
    return out;
  }
  switch (type.name) {
    case 'ID': return idFor(name, operation);
    case 'Int': return name === 'first' || name === 'last' ? 5 : name === 'size' ? 10 : 1;
    case 'Float': return 1;
    case 'Boolean': return true;
    case 'Date': return '2026-03-02';
    case 'DateTime': return name.toLowerCase().includes('end') || name === 'to' ? '2026-03-02T11:00:00Z' : '2026-03-02T10:00:00Z';
    case 'Decimal': return '10.00';
    case 'BigInt': return '100';
    case 'JSON': return { fuzz: true };
    default:
      if (/email/i.test(name)) return `fuzz-${randomUUID().slice(0, 8)}@example.com`;
      if (name === 'after') return null;
      return `fuzz ${name}`;
  }
}

interface Mutation { path: (string | number)[]; value: unknown; remove?: boolean; what: string }

/** Every position of the variables with the mutations its type calls for. */
function mutationsOf(type: GraphQLInputType, path: (string | number)[], name: string): Mutation[] {
  const out: Mutation[] = [];
  const required = isNonNullType(type);
  const inner = isNonNullType(type) ? type.ofType : type;
  if (required) out.push({ path, value: undefined, remove: true, what: 'missing required' }, { path, value: null, what: 'null for non-null' });
  if (isListType(inner)) {
    out.push({ path, value: Array.from({ length: 10_000 }, () => 'x'), what: 'huge list' }, { path, value: [null], what: 'null item' }, { path, value: 'not a list', what: 'wrong type' });
    out.push(...mutationsOf(inner.ofType, [...path, 0], name));
    return out;
  }
  if (isInputObjectType(inner)) {
    out.push({ path, value: 'not an object', what: 'wrong type' }, { path, value: [], what: 'wrong type' }, { path, value: { nope: 1 }, what: 'unknown field' });
    for (const field of Object.values(inner.getFields())) out.push(...mutationsOf(field.type, [...path, field.name], field.name));
    return out;
  }
  if (isEnumType(inner)) return [...out, ...['NOPE', 1, null].map((value) => ({ path, value, what: 'bad enum' }))];
  const scalar = getNamedType(inner).name;
  const values = name === 'after' ? CURSORS : (BY_SCALAR[scalar] ?? STRINGS);
  return [...out, ...values.map((value) => ({ path, value, what: `${scalar} ${describe(value)}` }))];
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined';
  return text.length > 40 ? `${text.slice(0, 20)}…(${text.length})` : text;
}

function apply(base: Record<string, unknown>, m: Mutation): Record<string, unknown> {
  const copy = structuredClone(base);
  let target: Record<string | number, unknown> = copy;
  for (const key of m.path.slice(0, -1)) {
    if (target[key] === null || typeof target[key] !== 'object') target[key] = typeof key === 'number' ? [] : {};
    target = target[key] as Record<string | number, unknown>;
  }
  const last = m.path[m.path.length - 1];
  if (m.remove) delete target[last];
  else target[last] = m.value;
  return copy;
}

async function send(query: string, variables: Record<string, unknown>): Promise<{ status: number; body: any }> {
  let body = JSON.stringify({ query, variables });
  for (const [token, text] of Object.entries(RAW)) body = body.split(token).join(text);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...tenant.headers }, body });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] } };
  }
}

const outboxTotal = async (): Promise<number> =>
  (await db.query(`SELECT (SELECT count(*) FROM platform.outbox) + (SELECT count(*) FROM crm.outbox) + (SELECT count(*) FROM office.outbox)
                        + (SELECT count(*) FROM identity.outbox) + (SELECT count(*) FROM hr.outbox) AS n`)).rows[0].n as number;

function contractOperations(): { name: string; kind: string; text: string; node: OperationDefinitionNode }[] {
  const dir = join(__dirname, '..', '..', '..', 'shared', 'contract', 'operations');
  return readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort().flatMap((file) =>
    parse(readFileSync(join(dir, file), 'utf8')).definitions
      .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.operation !== 'subscription')
      .map((node) => ({ name: node.name!.value, kind: node.operation, text: print(node), node })));
}

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  schema = Supergraph.build(composeSupergraph().supergraph).apiSchema().toGraphQLJSSchema();
  tenant = await signUpTenant(url, 'Fuzz', 'enterprise');
  const run = (file: string, name: string, variables: Record<string, unknown>, field: string) => ok(gql(url, op(file, name), variables, tenant.headers), field);
  const user = await addTenantUser(url, tenant, 'member', 'fuzzmember');
  seeds.user = user.userId;
  seeds.contact = (await run('crm', 'CreateContact', { input: { firstName: 'Fuzz', lastName: 'Seed', email: 'seed@fuzz.example' } }, 'createContact')).id;
  seeds.lead = (await run('crm', 'CreateLead', { input: { contactId: seeds.contact, title: 'Seed lead' } }, 'createLead')).id;
  seeds.employee = (await run('hr', 'CreateEmployee', { input: { employeeNumber: 'F-1', firstName: 'Fuzz', lastName: 'Seed', email: 'emp@fuzz.example', userId: tenant.userId } }, 'createEmployee')).id;
  seeds.document = (await run('office', 'CreateDocument', { input: { title: 'Seed' } }, 'createDocument')).id;
  seeds.worksheet = (await run('office', 'CreateSpreadsheet', { input: { title: 'Seed' } }, 'createSpreadsheet')).worksheets[0].id;
  seeds.folder = (await run('office', 'CreateFolder', { name: 'Seed' }, 'createFolder')).id;
  seeds.file = (await run('office', 'RequestUpload', { input: { name: 'seed.txt', contentType: 'text/plain', size: 4 } }, 'requestUpload')).file.id;
  seeds.room = (await run('office', 'CreateRoom', { name: 'Seed' }, 'createRoom')).id;
  seeds.presentation = (await run('office', 'CreatePresentation', { title: 'Seed' }, 'createPresentation')).id;
  const roles = await db.query(`SELECT id FROM platform.roles WHERE tenant_id = $1 AND name = 'viewer'`, [tenant.tenantId]);
  seeds.role = roles.rows[0].id;
}, 120_000);
afterAll(async () => {
  await db.end();
  await platform.stop();
});

it('no contract operation answers mutated variables with a 5xx, an INTERNAL_SERVER_ERROR or a write', async () => {
  const failures: string[] = [];
  let attempts = 0;
  const started = Date.now();
  for (const operation of contractOperations()) {
    if (SKIPPED.has(operation.name) || !operation.node.variableDefinitions?.length) continue;
    const base: Record<string, unknown> = {};
    const candidates: Mutation[] = [];
    for (const definition of operation.node.variableDefinitions) {
      const name = definition.variable.name.value;
      const type = typeFromAST(schema, definition.type) as GraphQLInputType;
      base[name] = baseValue(type, name, operation.name);
      candidates.push(...mutationsOf(type, [name], name));
    }
    const chosen = shuffle(candidates).slice(0, SLOW_OPERATIONS[operation.name] ?? ATTEMPTS_PER_OPERATION);
    for (const mutation of chosen) {
      attempts += 1;
      const before = operation.kind === 'mutation' ? await outboxTotal() : 0;
      const { status, body } = await send(operation.text, apply(base, mutation));
      const where = `${operation.name} ${mutation.path.join('.')} ← ${mutation.what}`;
      if (status >= 500) failures.push(`${where}: HTTP ${status} ${JSON.stringify(body).slice(0, 300)}`);
      for (const error of body.errors ?? []) {
        const code = error.extensions?.code;
        if (!CONTRACT_CODES.has(code)) failures.push(`${where}: ${code ?? 'no code'} ${JSON.stringify(error).slice(0, 300)}`);
      }
      const root = body.data && Object.values(body.data)[0];
      if (operation.kind === 'mutation' && body.errors?.length && (root === null || root === undefined)) {
        const after = await outboxTotal();
        if (after !== before) failures.push(`${where}: failed but wrote ${after - before} outbox row(s)`);
      }
    }
  }
  console.log(`input fuzzer: ${attempts} attempts over the contract's operations in ${Date.now() - started} ms, ${failures.length} failures`
    + failures.slice(0, 50).map((f) => `\n  ${f.split('\u0000').join('\\u0000')}`).join(''));
  expect(failures).toEqual([]);
}, 300_000);

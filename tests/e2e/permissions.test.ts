// Who reads what: every query of the platform and identity subgraphs, with every field those
// subgraphs own selected, run as each system role (viewer, member, admin, owner) of one tenant.
// The observed matrix must equal the permission table in README.md (between the
// `permissions:start` / `permissions:end` markers); on a difference the test prints the table to paste.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  getNamedType, isLeafType, isNonNullType, isObjectType, type GraphQLField, type GraphQLObjectType,
} from 'graphql';
import { addTenantUser, contractOperation as op, gql, ok, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { SUBGRAPH_ENTRIES } from '../../scripts/subgraphs';

const ROLES = ['viewer', 'member', 'admin', 'owner'] as const;
const SUBGRAPHS = ['platform', 'identity'] as const;
/** Object levels selected below a root field (a connection's node is three levels down). */
const MAX_LEVELS = 3;

let platform: RunningPlatform;
let url: string;
let db: Client;
let owner: TestTenant;
const headers: Record<string, Record<string, string>> = {};
/** Values for required arguments, by root field. */
const args: Record<string, Record<string, unknown>> = {};

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  owner = await signUpTenant(url, 'Permissions');
  headers.owner = owner.headers;
  for (const role of ['viewer', 'member', 'admin'] as const) headers[role] = (await addTenantUser(url, owner, role, `perm${role}`)).headers;
  // Something in every list, so a field-level refusal shows.
  const instance = await ok(gql(url, op('platform', 'ProvisionDatabase'), {
    input: { name: 'perm', engine: 'postgresql', version: '16', region: 'eu-west-1', instanceType: 'db.t3.micro' },
  }, owner.headers), 'provisionDatabase');
  await ok(gql(url, op('identity', 'CreateOAuthClient'), { input: { name: 'perm', scopes: ['crm:read'] } }, owner.headers), 'createOAuthClient');
  await ok(gql(url, op('platform', 'CreateApiKey'), { input: { name: 'perm', scopes: ['crm:read'] } }, owner.headers), 'createApiKey');
  await ok(gql(url, op('platform', 'ChangePlan'), { input: { planId: 'professional' } }, owner.headers), 'changePlan');
  const { rows } = await db.query(`SELECT id FROM platform.outbox WHERE tenant_id = $1 AND type = 'platform.api_key.created' LIMIT 1`, [owner.tenantId]);
  args.databaseInstance = { id: instance.id };
  args.platformEvent = { eventId: rows[0].id };
  args.platformEventsAfter = { eventId: rows[0].id };
}, 60_000);
afterAll(async () => {
  await db.end();
  await platform.stop();
});

/** Every field the subgraph owns, leaves and objects down to MAX_LEVELS; fields needing arguments are skipped. */
function selection(type: GraphQLObjectType, level: number): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.name.startsWith('_') || field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (isObjectType(named) && level < MAX_LEVELS) {
      const inner = selection(named, level + 1);
      if (inner) parts.push(`${field.name} ${inner}`);
    }
  }
  return parts.length ? `{ ${parts.join(' ')} }` : '';
}

function rootQueries(): { name: string; document: string }[] {
  const out: { name: string; document: string }[] = [];
  for (const entry of SUBGRAPH_ENTRIES.filter((e) => (SUBGRAPHS as readonly string[]).includes(e.name))) {
    const schema = buildSubgraphSchema(entry.modules);
    for (const field of Object.values(schema.getQueryType()!.getFields()) as GraphQLField<unknown, unknown>[]) {
      if (field.name.startsWith('_')) continue;
      const given = args[field.name] ?? {};
      const missing = field.args.filter((a) => isNonNullType(a.type) && !(a.name in given));
      if (missing.length) throw new Error(`give ${field.name} a value for ${missing.map((a) => a.name).join(', ')} in this test's args`);
      const argText = Object.keys(given).length ? `(${Object.entries(given).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')})` : '';
      const named = getNamedType(field.type);
      const sel = isObjectType(named) ? selection(named, 1) : '';
      out.push({ name: field.name, document: `{ ${field.name}${argText} ${sel} }` });
    }
  }
  return out.sort((x, y) => x.name.localeCompare(y.name));
}

/** `yes`, `no`, or `yes, not <fields>` (the fields answered FORBIDDEN). */
async function access(document: string, role: string): Promise<string> {
  const res = await gql(url, document, {}, headers[role]);
  const codes = new Set((res.errors ?? []).map((e) => e.extensions?.code));
  expect(codes.has('INTERNAL_SERVER_ERROR')).toBe(false);
  const forbidden = (res.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN');
  const other = (res.errors ?? []).filter((e) => e.extensions?.code !== 'FORBIDDEN');
  if (other.length) throw new Error(`${document} as ${role}: ${JSON.stringify(other)}`);
  if (!forbidden.length) return 'yes';
  const paths = [...new Set(forbidden.map((e) => (e.path ?? []).filter((p) => typeof p === 'string').join('.')))];
  if (paths.some((p) => !p.includes('.'))) return 'no';
  return `yes, not ${paths.map((p) => `\`${p.split('.').slice(1).join('.')}\``).sort().join(', ')}`;
}

function readmeTable(): string {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const match = /<!-- permissions:start[^>]*-->\n([\s\S]*?)<!-- permissions:end -->/.exec(readme);
  return match ? match[1].trim() : '(no permission table in README.md)';
}

it('every platform and identity query answers each role as the README table says', async () => {
  const lines = ['| Query | viewer | member | admin | owner |', '|---|---|---|---|---|'];
  for (const q of rootQueries()) {
    const cells: string[] = [];
    for (const role of ROLES) cells.push(await access(q.document, role));
    lines.push(`| \`${q.name}\` | ${cells.join(' | ')} |`);
  }
  const observed = lines.join('\n');
  if (observed !== readmeTable()) console.log(`README.md permission table, as observed:\n${observed}`);
  expect(observed).toBe(readmeTable());
  // The findings of issue 10: admin-console data is not for members or viewers.
  expect(observed).toMatch(/\| `oauthClients` \| no \| no \| yes \| yes \|/);
  expect(observed).toMatch(/\| `databaseInstances` \| yes, not `connectionString` \| yes, not `connectionString` \| yes \| yes \|/);
}, 60_000);

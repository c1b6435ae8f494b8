// A minimal GraphQL-over-HTTP client for the tests, plus the contract's operations by name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, print, type OperationDefinitionNode } from 'graphql';
import { randomUUID } from 'node:crypto';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; field?: string; [k: string]: unknown } }[];
}

export async function gql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GraphQLResponse<T>;
  return { ...body, status: res.status };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const contractDir = join(__dirname, '..', '..', '..', 'shared', 'contract', 'operations');

/** One operation of the client contract (shared/contract/operations/<file>.graphql), by name. */
export function contractOperation(file: string, name: string): string {
  const doc = parse(readFileSync(join(contractDir, `${file}.graphql`), 'utf8'));
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && d.name?.value === name);
  if (!op) throw new Error(`contract operation ${name} not found in ${file}.graphql`);
  return print(op);
}

export function codeOf(response: GraphQLResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}

export interface TestTenant {
  accessToken: string;
  refreshToken: string;
  userId: string;
  tenantId: string;
  slug: string;
  email: string;
  password: string;
  headers: Record<string, string>;
}

/** Signs up a fresh tenant through the contract's SignUp operation. */
export async function signUpTenant(url: string, name = 'Acme', plan?: string): Promise<TestTenant> {
  const slug = `t-${randomUUID().slice(0, 12)}`;
  const email = `owner-${slug}@example.com`;
  const password = 'correct horse battery staple';
  const res = await gql(url, contractOperation('platform', 'SignUp'), {
    input: { tenantName: name, tenantSlug: slug, email, password, firstName: 'Olive', lastName: 'Owner', ...(plan ? { plan } : {}) },
  });
  if (!res.data?.signUp) throw new Error(`signUp failed: ${JSON.stringify(res.errors)}`);
  const s = res.data.signUp;
  return {
    accessToken: s.accessToken, refreshToken: s.refreshToken, userId: s.user.id, tenantId: s.tenant.id, slug, email, password,
    headers: bearer(s.accessToken),
  };
}

export interface TenantUser {
  userId: string;
  email: string;
  token: string;
  headers: Record<string, string>;
}

/**
 * Adds a user to the tenant the way an admin does (the contract's InviteUser, with a password and
 * one role), logs them in, and waits until the subgraphs' user directories (kept from platform
 * events) know them, so mail, sharing, lead owners and employees can reference them.
 */
export async function addTenantUser(url: string, tenant: TestTenant, role: string, name: string, databaseUrl = process.env.DATABASE_URL): Promise<TenantUser> {
  const email = `${name.toLowerCase()}-${tenant.slug}@example.com`;
  const invited = await gql(url, contractOperation('platform', 'InviteUser'), { input: { email, firstName: name, lastName: 'Tester', roleNames: [role], password: tenant.password } }, tenant.headers);
  if (!invited.data?.inviteUser) throw new Error(`inviteUser failed: ${JSON.stringify(invited.errors)}`);
  const userId = invited.data.inviteUser.id as string;
  const login = await gql(url, contractOperation('identity', 'LogIn'), { input: { tenantSlug: tenant.slug, email, password: tenant.password } });
  if (!login.data?.logIn) throw new Error(`logIn failed: ${JSON.stringify(login.errors)}`);
  await waitForDirectory([userId, tenant.userId], databaseUrl);
  const token = login.data.logIn.accessToken as string;
  return { userId, email, token, headers: bearer(token) };
}

/** Waits until the user directories of office, crm and hr hold these users (they follow platform user events). */
export async function waitForDirectory(userIds: string[], databaseUrl = process.env.DATABASE_URL): Promise<void> {
  const { Client } = await import('pg');
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const deadline = Date.now() + 45_000; // three brokers: a new platform's directory consumers join their groups before they read
    for (;;) {
      const { rows } = await db.query(
        `SELECT (SELECT count(*) FROM office.directory_users WHERE user_id = ANY($1::uuid[]))::int AS office,
                (SELECT count(*) FROM crm.directory_users WHERE user_id = ANY($1::uuid[]))::int AS crm,
                (SELECT count(*) FROM hr.directory_users WHERE user_id = ANY($1::uuid[]))::int AS hr`,
        [userIds],
      );
      const want = new Set(userIds).size;
      if (rows[0].office === want && rows[0].crm === want && rows[0].hr === want) return;
      if (Date.now() > deadline) throw new Error('the office user directory did not receive the users');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await db.end();
  }
}

/** The field's data of a call that must succeed. */
export async function ok<T = any>(res: Promise<GraphQLResponse>, field: string): Promise<T> {
  const r = await res;
  expect(r.errors).toBeUndefined();
  return r.data![field] as T;
}

/** Repeats `fn` until `done` holds of its value (for effects that land after the response). */
export async function eventually<T>(fn: () => Promise<T>, done: (value: T) => boolean, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

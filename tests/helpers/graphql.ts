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
export async function signUpTenant(url: string, name = 'Acme'): Promise<TestTenant> {
  const slug = `t-${randomUUID().slice(0, 12)}`;
  const email = `owner-${slug}@example.com`;
  const password = 'correct horse battery staple';
  const res = await gql(url, contractOperation('platform', 'SignUp'), {
    input: { tenantName: name, tenantSlug: slug, email, password, firstName: 'Olive', lastName: 'Owner' },
  });
  if (!res.data?.signUp) throw new Error(`signUp failed: ${JSON.stringify(res.errors)}`);
  const s = res.data.signUp;
  return {
    accessToken: s.accessToken, refreshToken: s.refreshToken, userId: s.user.id, tenantId: s.tenant.id, slug, email, password,
    headers: bearer(s.accessToken),
  };
}

// A small web-app consumer of @bacbos/client, compiled by tests/client/typed-client.test.ts with
// its own tsconfig (a browser's lib, no Node types). Each `@ts-expect-error` line is a mistake the
// typed documents must refuse at compile time; the test also compiles this file without those
// directives and expects exactly these errors.
import {
  ContactsDocument, CreateContactDocument, execute, LogInDocument, persistedId, TimesheetDocument, type ContactsQuery, type CreateContactMutationVariables,
} from '@bacbos/client';

export async function contactNames(url: string, tenantSlug: string, email: string, password: string): Promise<string[]> {
  const login = await execute(url, LogInDocument, { input: { tenantSlug, email, password } });
  const token: string | undefined = login.data?.logIn.accessToken;
  const headers = { authorization: `Bearer ${token}` };

  const input: CreateContactMutationVariables['input'] = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', tags: ['vip'], customFields: { score: 9 } };
  const created = await execute(url, CreateContactDocument, { input }, { headers });
  const createdId: string | undefined = created.data?.createContact.id;

  // @ts-expect-error a wrong variable type: firstName is String!, not a number
  await execute(url, CreateContactDocument, { input: { firstName: 42, lastName: 'Lovelace', email: 'ada@example.com' } }, { headers });
  // @ts-expect-error a missing required variable: input
  await execute(url, CreateContactDocument, {}, { headers });
  // @ts-expect-error an enum value the schema does not have (ContactOrderField)
  await execute(url, ContactsDocument, { first: 10, orderBy: { field: 'NAME', direction: 'ASC' } }, { headers });
  // @ts-expect-error a Date variable is a string (YYYY-MM-DD), not a Date object
  await execute(url, TimesheetDocument, { employeeId: createdId ?? '', from: new Date(), to: '2026-12-31' }, { headers });

  const page = await execute(url, ContactsDocument, { first: 10, orderBy: { field: 'LAST_NAME', direction: 'ASC' } }, { headers });
  const edges: ContactsQuery['contacts']['edges'] = page.data?.contacts.edges ?? [];
  // @ts-expect-error a field the operation does not select (Contacts selects no phone)
  console.log(edges[0]?.node.phone, persistedId(ContactsDocument));
  return edges.map((edge) => `${edge.node.firstName} ${edge.node.lastName}`);
}

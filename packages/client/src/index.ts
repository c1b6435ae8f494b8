// @bacbos/client: what a web app needs to talk to the gateway with types. Every operation of the
// client contract is a TypedDocumentNode (generated/operations.ts, `npm run client`), so its result
// and variables are checked by the compiler; the persisted-operation manifest is the gateway's, so
// a document can travel as its sha256 only (PERSISTED_OPERATIONS=required deployments need that).
// Works in browsers and in Node (global fetch); nothing here reads the environment.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Kind, print, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import manifest from './generated/persisted-operations.json';

export * from './generated/operations';
export type { TypedDocumentNode };

/** Apollo's persisted query manifest: the sha256 of each contract operation's text → the text. */
export const persistedOperations: { format: string; version: number; operations: { id: string; name: string; type: string; body: string }[] } = manifest;

const idByName = new Map(manifest.operations.map((o) => [o.name, o.id]));

export function operationName(document: DocumentNode): string {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation?.name) throw new Error('a document of the client has one named operation');
  return operation.name.value;
}

/** The manifest id of a contract operation; undefined for one the gateway's manifest lacks (a pending one). */
export const persistedId = (document: DocumentNode): string | undefined => idByName.get(operationName(document));

/** An error as the contract shapes it: `extensions.code` always, `extensions.field` for bad input. */
export interface ClientError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

export interface ClientResult<TData> {
  /** HTTP status of the response. */
  status: number;
  data?: TData | null;
  errors?: ClientError[];
}

export interface RequestOptions {
  /** Extra headers: `authorization: Bearer <accessToken>` or `x-api-key: <secret>`. */
  headers?: Record<string, string>;
  /** Send the manifest's hash instead of the text when the operation has one (default true). */
  persisted?: boolean;
}

/** The GraphQL-over-HTTP body of one operation. */
export function requestBody<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables, persisted = true): Record<string, unknown> {
  const name = operationName(document);
  const id = persisted ? idByName.get(name) : undefined;
  return id
    ? { operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } }
    : { operationName: name, query: print(document), variables };
}

/** Runs one operation against the gateway (`http://host:4000/graphql`) and returns its typed result. */
export async function execute<TData, TVariables>(
  url: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  options: RequestOptions = {},
): Promise<ClientResult<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...options.headers },
    body: JSON.stringify(requestBody(document, variables, options.persisted ?? true)),
  });
  const body = (await response.json()) as Omit<ClientResult<TData>, 'status'>;
  return { ...body, status: response.status };
}

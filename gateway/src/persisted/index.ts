// Persisted operations. The manifest (manifest.json beside this file, generated from the client
// contract by `npm run persisted`) maps sha256 hashes to documents; clients send
// `extensions.persistedQuery.sha256Hash` instead of the text.
// - PERSISTED_OPERATIONS=optional (default): manifest hashes run, documents run, and automatic
//   persisted queries (APQ) register new hashes in the key-value store (Redis), so every gateway
//   instance knows a hash registered on another.
// - PERSISTED_OPERATIONS=required: only the manifest's operations run. A document that is not in
//   it (or an APQ registration) is PERSISTED_QUERY_REQUIRED; an unknown hash PERSISTED_QUERY_NOT_FOUND.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApolloServerOptions } from '@apollo/server';
import { setting, type KeyValueStore } from '@bacbos/common';
import type express from 'express';

type PersistedQueryOptions = Exclude<NonNullable<ApolloServerOptions<object>['persistedQueries']>, false>;
type PersistedQueryCache = NonNullable<PersistedQueryOptions['cache']>;

/** How long an automatically persisted query stays registered without use. */
const APQ_TTL_SECONDS = 24 * 60 * 60;

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface PersistedOperation {
  /** sha256 of body. */
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

let operations: PersistedOperation[] | undefined;
let manifest: Map<string, string> | undefined;

/** The manifest's operations. */
export function manifestOperations(): PersistedOperation[] {
  operations ??= (JSON.parse(readFileSync(join(__dirname, 'manifest.json'), 'utf8')) as { operations: PersistedOperation[] }).operations;
  return operations;
}

/** The manifest's hash → document. */
export function persistedManifest(): Map<string, string> {
  manifest ??= new Map(manifestOperations().map((o) => [o.id, o.body]));
  return manifest;
}

export const persistedOperationsRequired = () => setting('PERSISTED_OPERATIONS') === 'required';

const requiredError = {
  errors: [{ message: 'This deployment runs persisted operations only: send extensions.persistedQuery.sha256Hash of an operation of the manifest', extensions: { code: 'PERSISTED_QUERY_REQUIRED' } }],
};

export interface PersistedOperations {
  persistedQueries: PersistedQueryOptions;
  /** GET /graphql (express): refuses a document outside the manifest in required mode. */
  requireManifest: express.RequestHandler;
  /** The same for a parsed POST body: the error body to answer with (400), or undefined. */
  refusal(body: { query?: unknown } | undefined): { errors: { message: string; extensions: { code: string } }[] } | undefined;
}

export function persistedOperations(kv: KeyValueStore): PersistedOperations {
  const required = persistedOperationsRequired();
  const known = persistedManifest();
  // Apollo prefixes the keys it asks for with "apq:"; the store keeps that prefix, the manifest not.
  const hashOf = (key: string) => key.replace(/^apq:/, '');
  const cache: PersistedQueryCache = {
    async get(key) {
      return known.get(hashOf(key)) ?? (required ? undefined : ((await kv.get(key)) ?? undefined));
    },
    async set(key, document, options) {
      if (required || known.has(hashOf(key))) return;
      await kv.set(key, document, options?.ttl ?? APQ_TTL_SECONDS);
    },
    async delete(key) {
      await kv.del(key);
    },
  };
  // In required mode a request may carry a document only when it is the manifest's own text.
  const refusal = (body: { query?: unknown } | undefined): typeof requiredError | undefined => {
    if (!required) return undefined;
    const query = body?.query;
    return typeof query === 'string' && query !== '' && !known.has(sha256(query)) ? requiredError : undefined;
  };
  const requireManifest: express.RequestHandler = (req, res, next) => {
    const refused = refusal((req.method === 'GET' ? req.query : req.body) as { query?: unknown } | undefined);
    if (refused) return void res.status(400).json(refused);
    next();
  };
  return { persistedQueries: { cache, ttl: APQ_TTL_SECONDS }, requireManifest, refusal };
}

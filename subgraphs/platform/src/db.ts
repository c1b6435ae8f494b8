import { TenantScopedPool, appDatabaseUrlFor, countedAdapter, observePool, setting, TRANSACTION_OPTIONS } from '@bacbos/common';
import { PrismaClient, type Tenant, type User } from './generated/prisma/client';

/**
 * A user's secrets are never read unless asked for: only authentication (log-in, MFA) selects them,
 * with `omit: { passwordHash: false, mfaSecret: false }`; everything else (User entities, `me`,
 * `users`) reads the profile columns only.
 */
const omit = { user: { passwordHash: true, mfaSecret: true } } as const;

/** A user as everything but authentication sees it. */
export type PublicUser = Omit<User, 'passwordHash' | 'mfaSecret'>;

/** What the `User` resolvers hold: a public user, with its tenant when authentication read it along. */
export type UserView = PublicUser & { tenant?: Tenant };

/** Drops the secrets from a user authentication read with them, before it goes anywhere else. */
export function withoutSecrets<T extends { passwordHash?: unknown; mfaSecret?: unknown }>(user: T): Omit<T, 'passwordHash' | 'mfaSecret'> {
  const { passwordHash: _hash, mfaSecret: _secret, ...profile } = user;
  return profile;
}

const connect = (connectionString: string) => new PrismaClient({
  adapter: countedAdapter(observePool(new TenantScopedPool({ connectionString, max: setting('DB_POOL_SIZE') }), { subgraph: 'platform', pool: 'app' }), 'platform'),
  transactionOptions: TRANSACTION_OPTIONS,
  omit,
});

export type PlatformDb = ReturnType<typeof connect>;

/** Connects as the application role; every checkout carries the current tenant for row-level security. */
export function createPlatformDb(connectionString = appDatabaseUrlFor('platform')): PlatformDb {
  const db = connect(connectionString);
  return db;
}

// Settings read from the environment. Each subgraph reads its own database URL
// (<SUBGRAPH>_DATABASE_URL) and falls back to the shared DATABASE_URL, so any subgraph can move to
// a database of its own without code changes.
export const SUBGRAPHS = ['platform', 'crm', 'office', 'identity', 'hr'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export const DEFAULT_PORTS: Record<SubgraphName | 'gateway', number> = {
  gateway: 4000, platform: 4001, crm: 4002, office: 4003, identity: 4004, hr: 4005,
};

export function databaseUrlFor(subgraph: SubgraphName): string {
  const url = process.env[`${subgraph.toUpperCase()}_DATABASE_URL`] ?? process.env.DATABASE_URL;
  if (!url) throw new Error(`No database URL: set ${subgraph.toUpperCase()}_DATABASE_URL or DATABASE_URL`);
  return url;
}

/** The role the subgraphs connect as: neither superuser nor BYPASSRLS, so row-level security holds. */
export const APP_DB_ROLE = 'bacbos_app';

/**
 * The URL a subgraph's request-serving code connects with: <SUBGRAPH>_APP_DATABASE_URL or
 * APP_DATABASE_URL when set, otherwise its database URL with the bacbos_app role and
 * APP_DB_PASSWORD (the migrate command gives the role that password). Migrations, the outbox relay
 * and the audit ingester keep the owner's URL.
 */
export function appDatabaseUrlFor(subgraph: SubgraphName): string {
  const explicit = process.env[`${subgraph.toUpperCase()}_APP_DATABASE_URL`] ?? process.env.APP_DATABASE_URL;
  if (explicit) return explicit;
  const password = process.env.APP_DB_PASSWORD;
  if (!password) throw new Error('Set APP_DB_PASSWORD (or APP_DATABASE_URL): the password of the bacbos_app database role');
  const url = new URL(databaseUrlFor(subgraph));
  url.username = APP_DB_ROLE;
  url.password = password;
  return url.toString();
}

export function portFor(name: SubgraphName | 'gateway'): number {
  const raw = process.env[`${name.toUpperCase()}_PORT`];
  return raw ? Number(raw) : DEFAULT_PORTS[name];
}

function requiredSecret(name: string): string {
  const value = process.env[name];
  if (!value || value.length < 32) throw new Error(`${name} must be set to a random string of at least 32 characters`);
  return value;
}

/** Secret the gateway signs the forwarded caller identity with; only gateway and subgraphs know it. */
export const internalContextSecret = () => requiredSecret('INTERNAL_CONTEXT_SECRET');
/** Secret access tokens (JWT) are signed with; known to the platform subgraph and the gateway. */
export const accessTokenSecret = () => requiredSecret('ACCESS_TOKEN_SECRET');

/**
 * How long published events stay in each subgraph's outbox (the history subscriptions resume
 * from): OUTBOX_RETENTION_HOURS, default 168 (7 days, Kafka's default topic retention).
 */
export function outboxRetentionMs(): number {
  const raw = process.env.OUTBOX_RETENTION_HOURS;
  if (raw === undefined || raw === '') return 168 * 3_600_000;
  const hours = Number(raw);
  if (!Number.isFinite(hours) || hours <= 0) throw new Error('OUTBOX_RETENTION_HOURS must be a positive number of hours');
  return hours * 3_600_000;
}

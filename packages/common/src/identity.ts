// What the gateway tells a subgraph about the caller. The gateway verifies the client's credential
// and forwards this, signed, in one header; a subgraph trusts nothing else the request carries.
import { createHmac, createSecretKey, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import { forbidden, unauthenticated } from './errors';
import { GATED_MODULES, type Permission } from './manifest';
import { currentRequestId } from './observability/request-context';

export const CONTEXT_HEADER = 'x-bacbos-context';
const ISSUER = 'bacbos-gateway';
const AUDIENCE = 'bacbos-subgraphs';
/** The signed context covers one request; a captured header is useless a minute later. */
const CONTEXT_TTL_SECONDS = 60;

export type CallerKind = 'anonymous' | 'user' | 'api_key' | 'oauth_client';

export interface CallerIdentity {
  kind: CallerKind;
  tenantId: string | null;
  userId: string | null;
  sessionId: string | null;
  apiKeyId: string | null;
  permissions: string[];
  /** Modules the tenant has enabled (tenant.enabledModules); gates every module's operations. */
  modules: string[];
  /** The tenant's plan limits (tenant.limits), e.g. { maxUsers, maxContacts, maxStorageBytes }. */
  limits?: Record<string, number>;
  /** The tenant's time zone (tenant.settings.timeZone), IANA name; UTC when unset. */
  timeZone?: string;
  /** For a user caller: the user's e-mail address, as of the access token's issue. */
  email?: string | null;
  /** For an OAuth client caller: the client's id (oauth_clients.id). */
  oauthClientId?: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  requestId: string;
}

export const anonymousCaller = (extra: Partial<CallerIdentity> = {}): CallerIdentity => ({
  kind: 'anonymous', tenantId: null, userId: null, sessionId: null, apiKeyId: null, permissions: [], modules: [],
  // The HTTP request's id (x-request-id) when built while serving one.
  ipAddress: null, userAgent: null, requestId: currentRequestId() ?? randomUUID(), ...extra,
});

// The header is an HS256 JWT (RFC 7519), signed and checked with node:crypto's HMAC on a key
// built once per secret: jose's WebCrypto path costs a thread-pool job per call, and the gateway
// signs for every client request. Any HS256 JWT library (jose included) reads and writes the same.
const keys = new Map<string, KeyObject>();
const keyOf = (secret: string): KeyObject => {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
};
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');
const hmac = (secret: string, input: string): Buffer => createHmac('sha256', keyOf(secret)).update(input).digest();

/** Synchronous; the gateway calls it once per client request (every subgraph fetch reuses it). */
export function signCallerIdentitySync(identity: CallerIdentity, secret: string): string {
  const iat = Math.floor(Date.now() / 1000);
  const payload = Buffer.from(JSON.stringify({ caller: identity, iss: ISSUER, aud: AUDIENCE, iat, exp: iat + CONTEXT_TTL_SECONDS })).toString('base64url');
  const input = `${HEADER}.${payload}`;
  return `${input}.${hmac(secret, input).toString('base64url')}`;
}

export async function signCallerIdentity(identity: CallerIdentity, secret: string): Promise<string> {
  return signCallerIdentitySync(identity, secret);
}

interface ContextClaims {
  caller?: CallerIdentity;
  iss?: unknown;
  aud?: unknown;
  exp?: unknown;
}

/** The caller of a valid header and its expiry, or undefined: HS256 only, signature, issuer, audience, expiry. */
function verifiedClaims(token: string, secret: string): { caller: CallerIdentity; exp: number } | undefined {
  const [header, payload, signature, extra] = token.split('.');
  if (extra !== undefined || !header || !payload || !signature) return undefined;
  const { alg, crit, b64 } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown; crit?: unknown; b64?: unknown };
  if (alg !== 'HS256' || crit !== undefined || b64 !== undefined) return undefined;
  const expected = hmac(secret, `${header}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ContextClaims;
  const audienceOk = claims.aud === AUDIENCE || (Array.isArray(claims.aud) && claims.aud.includes(AUDIENCE));
  if (claims.iss !== ISSUER || !audienceOk || typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000 || !claims.caller) return undefined;
  return { caller: claims.caller, exp: claims.exp };
}

/**
 * Headers already verified, by their exact text and secret, until they expire: the gateway sends
 * one header to every subgraph a client request reaches (and a client retrying sends it again), so
 * each is checked (HMAC, two JSON parses) once per process. The caller is frozen: every request
 * holding it shares the one object.
 */
const verified = new Map<string, { caller: CallerIdentity; exp: number; secret: string }>();
/** Bounds the cache (a minute of headers at a few hundred requests a second); emptied when full. */
const VERIFIED_CACHE_ENTRIES = 10_000;

function freezeCaller(caller: CallerIdentity): CallerIdentity {
  for (const value of Object.values(caller)) if (value && typeof value === 'object') Object.freeze(value);
  return Object.freeze(caller);
}

/** Throws UNAUTHENTICATED unless the header was signed by the gateway and is fresh. */
export async function verifyCallerIdentity(token: string | undefined, secret: string): Promise<CallerIdentity> {
  return verifyCallerIdentitySync(token, secret);
}

/** verifyCallerIdentity without the promise (the subgraphs' gate runs it on every request). */
export function verifyCallerIdentitySync(token: string | undefined, secret: string): CallerIdentity {
  if (!token) throw unauthenticated('Requests must come through the gateway');
  const now = Date.now() / 1000;
  const known = verified.get(token);
  if (known && known.secret === secret) {
    if (known.exp > now) return known.caller;
    verified.delete(token);
    throw unauthenticated('Requests must come through the gateway');
  }
  let caller: CallerIdentity | undefined;
  let exp = 0;
  try {
    const claims = verifiedClaims(token, secret);
    caller = claims?.caller;
    exp = claims?.exp ?? 0;
  } catch {
    caller = undefined; // not base64url JSON
  }
  if (!caller) throw unauthenticated('Requests must come through the gateway');
  if (verified.size >= VERIFIED_CACHE_ENTRIES) verified.clear();
  verified.set(token, { caller: freezeCaller(caller), exp, secret });
  return caller;
}

/** `*` grants everything, `crm:*` every action of a module, otherwise an exact match. */
export function hasPermission(granted: readonly string[], required: string): boolean {
  const [module] = required.split(':');
  return granted.includes('*') || granted.includes(required) || granted.includes(`${module}:*`);
}

/**
 * The tenant of an authenticated caller holding `permission` (`<module>:<action>`), in a tenant that
 * has the module enabled; otherwise UNAUTHENTICATED or FORBIDDEN. Every service method calls it.
 */
export function authorize(caller: CallerIdentity, permission: Permission): string {
  if (!caller.tenantId || caller.kind === 'anonymous') throw unauthenticated();
  const [module] = permission.split(':');
  if ((GATED_MODULES as readonly string[]).includes(module) && !caller.modules.includes(module)) {
    throw forbidden(`The ${module} module is not enabled for this tenant`);
  }
  if (!hasPermission(caller.permissions, permission)) throw forbidden(`Missing permission ${permission}`);
  return caller.tenantId;
}

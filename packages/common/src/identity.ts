// What the gateway tells a subgraph about the caller. The gateway verifies the client's credential
// and forwards this, signed, in one header; a subgraph trusts nothing else the request carries.
import { SignJWT, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';
import { forbidden, unauthenticated } from './errors';
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

const key = (secret: string) => new TextEncoder().encode(secret);

export async function signCallerIdentity(identity: CallerIdentity, secret: string): Promise<string> {
  return new SignJWT({ caller: identity })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${CONTEXT_TTL_SECONDS}s`)
    .sign(key(secret));
}

/** Throws UNAUTHENTICATED unless the header was signed by the gateway and is fresh. */
export async function verifyCallerIdentity(token: string | undefined, secret: string): Promise<CallerIdentity> {
  if (!token) throw unauthenticated('Requests must come through the gateway');
  try {
    const { payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    return payload.caller as CallerIdentity;
  } catch {
    throw unauthenticated('Requests must come through the gateway');
  }
}

/** `*` grants everything, `crm:*` every action of a module, otherwise an exact match. */
export function hasPermission(granted: readonly string[], required: string): boolean {
  const [module] = required.split(':');
  return granted.includes('*') || granted.includes(required) || granted.includes(`${module}:*`);
}

/** Modules a tenant can switch on and off; `platform` is always on. */
export const GATED_MODULES = ['crm', 'office', 'hr', 'identity'];

/**
 * The tenant of an authenticated caller holding `permission` (`<module>:<action>`), in a tenant that
 * has the module enabled; otherwise UNAUTHENTICATED or FORBIDDEN. Every service method calls it.
 */
export function authorize(caller: CallerIdentity, permission: string): string {
  if (!caller.tenantId || caller.kind === 'anonymous') throw unauthenticated();
  const [module] = permission.split(':');
  if (GATED_MODULES.includes(module) && !caller.modules.includes(module)) {
    throw forbidden(`The ${module} module is not enabled for this tenant`);
  }
  if (!hasPermission(caller.permissions, permission)) throw forbidden(`Missing permission ${permission}`);
  return caller.tenantId;
}

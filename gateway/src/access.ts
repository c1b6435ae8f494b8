// Turns a verified credential into the caller the subgraphs see, with what must be fresh on every
// request, on every gateway instance: is the session or OAuth client revoked, is the API key still
// valid and within its rate limit, and what the tenant has enabled right now (modules, limits,
// time zone). Whether a session or OAuth client is revoked and the tenant's state are cached in the
// shared key-value store (Redis); on a miss (never asked, or Redis emptied) the owning subgraph
// answers from Postgres (credential-state.ts), so a revocation survives a Redis restart. API keys
// are verified by the platform subgraph against Postgres on every request.
import { GraphQLError } from 'graphql';
import {
  API_KEY_SECRET, OAUTH_CLIENT_STATE_TTL_SECONDS, REQUEST_ID_HEADER, SESSION_STATE_TTL_SECONDS, anonymousCaller, cacheCredentialStatus, oauthClientStateKey, sessionStateKey,
  unavailable, signCallerIdentity, type CallerIdentity, type CredentialStatus, type KeyValueStore,
} from '@bacbos/common';
import type { Credentials } from './auth';
import { VerifiedTokenCache } from './token-cache';

interface TenantState {
  id: string;
  status: string;
  modules: string[];
  limits: Record<string, number>;
  timeZone: string;
}

/** How long a gateway may reuse a tenant's state it fetched; the platform deletes it on change. */
const TENANT_STATE_TTL_SECONDS = 300;

export const unauthenticated = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export class RateLimitedError extends GraphQLError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Rate limit exceeded; retry in ${retryAfterSeconds} s`, {
      extensions: { code: 'RATE_LIMITED', retryAfter: retryAfterSeconds, http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) } },
    });
  }
}

export class AccessControl {
  private readonly tokens: VerifiedTokenCache;

  constructor(
    private readonly kv: KeyValueStore,
    /**
     * Base URL of the platform subgraph's internal routes, e.g. http://platform:4001/internal;
     * undefined on a supergraph without our platform subgraph, where only anonymous callers pass.
     */
    private readonly platformInternalUrl: string | undefined,
    /** Base URL of the identity subgraph's internal routes (OAuth client status); undefined without it. */
    private readonly identityInternalUrl: string | undefined,
    private readonly internalContextSecret: string,
    accessTokenSecret: string,
  ) {
    this.tokens = new VerifiedTokenCache(accessTokenSecret);
  }

  async authenticate(credentials: Credentials): Promise<CallerIdentity> {
    const base = anonymousCaller({ ipAddress: credentials.ipAddress, userAgent: credentials.userAgent, ...(credentials.requestId ? { requestId: credentials.requestId } : {}) });
    if (credentials.authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(credentials.authorization);
      if (!match) throw unauthenticated('Authorization must be "Bearer <accessToken>"');
      const token = await this.tokens.verify(match[1]).catch(() => {
        throw unauthenticated('Invalid or expired access token');
      });
      if (token.kind === 'user') {
        const key = sessionStateKey(token.sessionId);
        const [cached, state] = await this.kv.mget([key, `tenant-state:${token.tenantId}`]);
        const status = cached ?? await this.credentialStatus(this.platformInternalUrl, `/session-state/${token.tenantId}/${token.sessionId}`, key, SESSION_STATE_TTL_SECONDS);
        if (status !== 'active') throw unauthenticated('This session has been signed out');
        const tenant = await this.tenantState(token.tenantId, state);
        return this.withTenant({ ...base, kind: 'user', tenantId: token.tenantId, userId: token.userId, sessionId: token.sessionId, permissions: token.permissions, email: token.email ?? null }, tenant);
      }
      const key = oauthClientStateKey(token.oauthClientId);
      const [cached, state] = await this.kv.mget([key, `tenant-state:${token.tenantId}`]);
      const status = cached ?? await this.credentialStatus(this.identityInternalUrl, `/oauth-client-state/${token.tenantId}/${token.oauthClientId}`, key, OAUTH_CLIENT_STATE_TTL_SECONDS);
      if (status !== 'active') throw unauthenticated('This OAuth client has been revoked');
      const tenant = await this.tenantState(token.tenantId, state);
      return this.withTenant({ ...base, kind: 'oauth_client', tenantId: token.tenantId, oauthClientId: token.oauthClientId, permissions: token.scopes }, tenant);
    }
    if (credentials.apiKey) {
      // A malformed key is refused here: no platform call, and one too long for the platform's body limit was a 503.
      if (!API_KEY_SECRET.test(credentials.apiKey)) throw unauthenticated('Invalid or revoked API key');
      const key = await this.internal<{ apiKeyId: string; tenantId: string; scopes: string[]; rateLimit: number }>('POST', '/api-keys/verify', { secret: credentials.apiKey });
      if (!key) throw unauthenticated('Invalid or revoked API key');
      const window = await this.kv.hit(`rate:api-key:${key.apiKeyId}`, 60);
      if (window.count > key.rateLimit) throw new RateLimitedError(Math.max(1, Math.ceil(window.resetMs / 1000)));
      const tenant = await this.tenantState(key.tenantId, await this.kv.get(`tenant-state:${key.tenantId}`));
      return this.withTenant({ ...base, kind: 'api_key', tenantId: key.tenantId, apiKeyId: key.apiKeyId, permissions: key.scopes }, tenant);
    }
    return base;
  }

  private withTenant(caller: CallerIdentity, tenant: TenantState): CallerIdentity {
    if (tenant.status !== 'active') throw unauthenticated('This tenant is not active');
    return { ...caller, modules: tenant.modules, limits: tenant.limits, timeZone: tenant.timeZone };
  }

  /** The owner's answer from Postgres (unknown = revoked), cached for the other requests and gateways. */
  private async credentialStatus(base: string | undefined, path: string, key: string, ttlSeconds: number): Promise<CredentialStatus> {
    if (!base) throw unauthenticated('This gateway serves a supergraph without the subgraph that owns this credential: it accepts no such credential');
    const answer = await this.internal<{ status: CredentialStatus }>('GET', path, undefined, base);
    return cacheCredentialStatus(this.kv, key, answer?.status === 'active' ? 'active' : 'revoked', ttlSeconds);
  }

  private async tenantState(tenantId: string, cached: string | null): Promise<TenantState> {
    if (cached) return JSON.parse(cached) as TenantState;
    const state = await this.internal<TenantState>('GET', `/tenant-state/${tenantId}`);
    if (!state) throw unauthenticated('Unknown tenant');
    await this.kv.set(`tenant-state:${tenantId}`, JSON.stringify(state), TENANT_STATE_TTL_SECONDS);
    return state;
  }

  /** Calls a subgraph's internal route (the platform's by default) as the gateway; null for 401/404. */
  private async internal<T>(method: 'GET' | 'POST', path: string, body?: unknown, base = this.platformInternalUrl): Promise<T | null> {
    if (!base) throw unauthenticated('This gateway serves a supergraph without the platform and identity subgraphs: it accepts no credentials');
    const caller = anonymousCaller();
    const headers = { 'content-type': 'application/json', 'x-bacbos-context': await signCallerIdentity(caller, this.internalContextSecret), [REQUEST_ID_HEADER]: caller.requestId };
    // The subgraph not answering (restarting, its database away) is an outage, not a refusal.
    const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }).catch((error: unknown) => {
      throw unavailable(error);
    });
    if (response.status === 401 || response.status === 404) return null;
    if (!response.ok) throw unavailable(new Error(`${base}${path} answered ${response.status}`));
    return (await response.json()) as T;
  }
}

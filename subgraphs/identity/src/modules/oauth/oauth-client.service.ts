// OAuth clients of a tenant (client credentials grant): the secret is shown once and stored as a
// SHA-256 hash (it is 256 random bits, so a slow hash adds nothing). A client can do no more than
// its scopes, and a creator cannot grant scopes they do not hold.
import { z } from 'zod';
import { OAUTH_CLIENT_STATE_TTL_SECONDS, authorize, forbidden, hasPermission, isUuid, lockRow, markRevoked, notFound, oauthClientStateKey, parseInput, PERMISSION_FORMAT, PERMISSION_PATTERN, recordChange, snapshot } from '@bacbos/common';
import type { IdentityContext } from '../../context';
import type { OAuthClient } from '../../generated/prisma/client';
import { newClientCredentials, sha256 } from './credentials';

const redirectUri = (value: string) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !value.includes('#');
  } catch {
    return false;
  }
};

const createSchema = z.object({
  name: z.string().trim().min(1).max(255),
  // Refined on the whole list, so that the error names the field `redirectUris` / `scopes`.
  redirectUris: z
    .array(z.string().trim())
    .max(20)
    .refine((list) => list.every((uri) => uri.length <= 2000 && redirectUri(uri)), 'each must be an absolute http(s) URI without a fragment')
    .nullish(),
  scopes: z
    .array(z.string().trim())
    .min(1)
    .max(100)
    .refine((list) => list.every((scope) => PERMISSION_PATTERN.test(scope)), `each must be ${PERMISSION_FORMAT}`),
});

/** Fields an event and an audit entry carry (never the secret or its hash). */
const CLIENT_FIELDS = ['clientId', 'name', 'redirectUris', 'scopes', 'status'];


export type CreatedOAuthClient = OAuthClient & { clientSecret: string };

export class OAuthClientService {
  constructor(private readonly ctx: IdentityContext) {}

  /** Every client of the caller's tenant, newest first. */
  async list(): Promise<OAuthClient[]> {
    // The identity module's gate, then admin-console data: owners and admins only.
    authorize(this.ctx.caller, 'identity:read');
    const tenantId = authorize(this.ctx.caller, 'platform:admin');
    return this.ctx.db.oAuthClient.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
  }

  async create(input: unknown): Promise<CreatedOAuthClient> {
    const { caller } = this.ctx;
    const tenantId = authorize(caller, 'identity:write');
    const data = parseInput(createSchema, input);
    const scopes = [...new Set(data.scopes)];
    const beyond = scopes.filter((scope) => !(scope === '*' ? caller.permissions.includes('*') : hasPermission(caller.permissions, scope)));
    if (beyond.length) throw forbidden(`You cannot grant scopes you do not hold: ${beyond.join(', ')}`);
    // created_by is a user: machine callers (API keys, OAuth clients) do not mint further clients.
    if (!caller.userId) throw forbidden('Only a user can create OAuth clients');
    const { clientId, clientSecret } = newClientCredentials();
    const client = await this.ctx.db.$transaction(async (tx) => {
      const created = await tx.oAuthClient.create({
        data: {
          tenantId, clientId, clientSecretHash: sha256(clientSecret), secretHint: clientSecret.slice(-4), name: data.name,
          redirectUris: [...new Set(data.redirectUris ?? [])], scopes, grantTypes: ['client_credentials'], createdBy: caller.userId as string,
        },
      });
      await recordChange(tx, caller, {
        type: 'identity.oauth_client.created', aggregateType: 'OAuthClient', aggregateId: created.id, action: 'create',
        changes: Object.fromEntries(CLIENT_FIELDS.map((f) => [f, { from: null, to: (created as Record<string, unknown>)[f] }])),
        data: snapshot(created, ['id', ...CLIENT_FIELDS, 'createdAt']),
      });
      return created;
    });
    return { ...client, clientSecret };
  }

  /**
   * The client gets no more tokens, and every token it holds stops working on its next request:
   * marked revoked in Postgres in the same transaction (with the event), and, once committed,
   * flagged for the gateway in the shared store (credential-state.ts: before the commit, and again
   * after it). Revoking a revoked client only re-flags it.
   */
  async revoke(id: string): Promise<OAuthClient> {
    const tenantId = authorize(this.ctx.caller, 'identity:write');
    if (!isUuid(id)) throw notFound('OAuth client');
    const client = await this.ctx.db.$transaction(async (tx) => {
      // The row lock also waits for a token being issued right now, so that token is revoked too.
      if (!(await lockRow(tx, 'identity.oauth_clients', id, tenantId))) throw notFound('OAuth client');
      const existing = await tx.oAuthClient.findFirstOrThrow({ where: { id, tenantId } });
      // Before the commit, for as long as any of its tokens can live: without the shared store
      // the gateways could not refuse them, so the revocation fails (and is retried) instead.
      await markRevoked(this.ctx.kv, oauthClientStateKey(id), OAUTH_CLIENT_STATE_TTL_SECONDS);
      if (existing.status === 'revoked') return existing;
      const revoked = await tx.oAuthClient.update({ where: { id }, data: { status: 'revoked' } });
      await tx.oAuthToken.updateMany({ where: { oauthClientId: id, tenantId, revokedAt: null }, data: { revokedAt: new Date() } });
      await recordChange(tx, this.ctx.caller, {
        type: 'identity.oauth_client.revoked', aggregateType: 'OAuthClient', aggregateId: id, action: 'revoke',
        changes: { status: { from: existing.status, to: 'revoked' } }, data: snapshot(revoked, ['id', ...CLIENT_FIELDS, 'createdAt']),
      });
      return revoked;
    });
    // A gateway that found the store emptied before the commit may have cached the client as
    // active from Postgres; this second write wins over it. Best effort: the first one landed.
    await markRevoked(this.ctx.kv, oauthClientStateKey(id), OAUTH_CLIENT_STATE_TTL_SECONDS).catch((error: unknown) =>
      this.ctx.log.warn({ err: error, oauthClientId: id }, 'could not re-mark a revoked OAuth client in the shared store'));
    return client;
  }
}

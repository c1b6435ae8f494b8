// API keys: the secret is shown once and stored as a SHA-256 hash (it is 256 random bits, so a
// slow hash adds nothing) next to a visible prefix used to find it. A key can do no more than its
// scopes, and a creator cannot grant scopes they do not hold.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { API_KEY_SECRET, authorize, forbidden, hasPermission, isUuid, notFound, parseInput, recordChange, snapshot, withTenant } from '@bacbos/common';
import type { PlatformContext } from '../../context';
import type { ApiKey } from '../../generated/prisma/client';
import { permissionList } from './permissions';

const createSchema = z.object({
  name: z.string().trim().min(1).max(255),
  scopes: permissionList,
  rateLimit: z.number().int().min(1).max(1_000_000).nullish(),
  type: z.enum(['private', 'public']).nullish(),
});

const KEY_FIELDS = ['name', 'keyPrefix', 'type', 'scopes', 'rateLimit', 'isActive'];
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** `bk_<12 hex>` is the visible prefix; the rest of the secret is 32 random bytes. */
export function newApiKeySecret(): { secret: string; prefix: string } {
  const prefix = `bk_${randomBytes(6).toString('hex')}`;
  return { prefix, secret: `${prefix}_${randomBytes(32).toString('base64url')}` };
}

export class ApiKeyService {
  constructor(private readonly ctx: PlatformContext) {}

  async list(): Promise<ApiKey[]> {
    const tenantId = authorize(this.ctx.caller, 'platform:admin');
    return this.ctx.db.apiKey.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
  }

  async create(input: unknown): Promise<{ secret: string; apiKey: ApiKey }> {
    const tenantId = authorize(this.ctx.caller, 'platform:admin');
    const data = parseInput(createSchema, input);
    const beyond = data.scopes.filter((scope) => !(scope === '*' ? this.ctx.caller.permissions.includes('*') : hasPermission(this.ctx.caller.permissions, scope)));
    if (beyond.length) throw forbidden(`You cannot grant scopes you do not hold: ${beyond.join(', ')}`);
    const { secret, prefix } = newApiKeySecret();
    const apiKey = await this.ctx.db.$transaction(async (tx) => {
      const created = await tx.apiKey.create({
        data: { tenantId, name: data.name, keyPrefix: prefix, keyHash: sha256(secret), type: data.type ?? 'private', scopes: data.scopes, rateLimit: data.rateLimit ?? 1000, usageStats: { requests: 0 } },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'platform.api_key.created', aggregateType: 'ApiKey', aggregateId: created.id, action: 'create',
        changes: Object.fromEntries(KEY_FIELDS.map((f) => [f, { from: null, to: (created as Record<string, unknown>)[f] }])),
        data: snapshot(created, ['id', ...KEY_FIELDS]),
      });
      return created;
    });
    return { secret, apiKey };
  }

  /** Takes effect on the key's next request: every request verifies the key against Postgres. */
  async revoke(id: string): Promise<ApiKey> {
    const tenantId = authorize(this.ctx.caller, 'platform:admin');
    if (!isUuid(id)) throw notFound('API key');
    return this.ctx.db.$transaction(async (tx) => {
      const existing = await tx.apiKey.findFirst({ where: { id, tenantId } });
      if (!existing) throw notFound('API key');
      const revoked = await tx.apiKey.update({ where: { id }, data: { isActive: false } });
      if (existing.isActive !== false) {
        await recordChange(tx, this.ctx.caller, {
          type: 'platform.api_key.revoked', aggregateType: 'ApiKey', aggregateId: id, action: 'revoke',
          changes: { isActive: { from: true, to: false } }, data: snapshot(revoked, ['id', ...KEY_FIELDS]),
        });
      }
      return revoked;
    });
  }
}

export interface VerifiedApiKey {
  apiKeyId: string;
  tenantId: string;
  scopes: string[];
  rateLimit: number;
}

/** Finds the active key a secret belongs to, or null. Constant-time comparison of the hashes. */
export async function verifyApiKeySecret(db: PlatformContext['db'], secret: string): Promise<VerifiedApiKey | null> {
  const match = API_KEY_SECRET.exec(secret);
  if (!match) return null;
  // The prefix names the tenant (through a SECURITY DEFINER look-up); the key is read under it.
  const [{ id: tenantId }] = await db.$queryRaw<{ id: string | null }[]>`SELECT platform.tenant_id_by_api_key_prefix(${match[1]}) AS id`;
  if (!tenantId) return null;
  const candidates = await withTenant(tenantId, () => db.apiKey.findMany({ where: { keyPrefix: match[1], isActive: true } }));
  const presented = Buffer.from(sha256(secret), 'hex');
  const key = candidates.find((c) => timingSafeEqual(Buffer.from(c.keyHash, 'hex'), presented));
  return key ? { apiKeyId: key.id, tenantId: key.tenantId, scopes: key.scopes, rateLimit: key.rateLimit ?? 1000 } : null;
}

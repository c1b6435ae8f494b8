import { z } from 'zod';
import { authorize, badInput, diffFields, GATED_MODULES, parseInput, recordChange, snapshot, unauthenticated } from '@bacbos/common';
import type { Prisma } from '../../generated/prisma/client';
import type { PlatformContext } from '../../context';
import type { Tenant } from '../../generated/prisma/client';
import type { PublicUser as User } from '../../db';

/** Modules a tenant may enable: the manifest's gated modules, nothing else (a name no subgraph serves gates nothing). */
const UNKNOWN_MODULE = `each module must be one of ${GATED_MODULES.join(', ')}`;

const updateSchema = z.object({
  name: z.string().trim().min(1).max(255).nullish(),
  settings: z.record(z.string(), z.unknown()).nullish(),
  enabledModules: z.array(z.enum(GATED_MODULES, { error: UNKNOWN_MODULE })).max(20).nullish(),
});

function validTimeZone(zone: unknown): boolean {
  if (typeof zone !== 'string') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The caller's tenant and its users. Every read goes through the caller's tenant. */
export class TenancyService {
  constructor(private readonly ctx: PlatformContext) {}

  async currentTenant(): Promise<Tenant | null> {
    const tenantId = authorize(this.ctx.caller, 'platform:read');
    return this.ctx.loaders.tenantById.load(tenantId);
  }

  /**
   * Renames the tenant, merges settings (a key set to null is removed) and replaces the enabled
   * modules. Needs platform:admin. Every gateway sees the change on its next request.
   */
  async update(input: unknown): Promise<Tenant> {
    const tenantId = authorize(this.ctx.caller, 'platform:admin');
    const data = parseInput(updateSchema, input);
    if (data.settings && 'timeZone' in data.settings && data.settings.timeZone !== null && !validTimeZone(data.settings.timeZone)) {
      throw badInput('settings.timeZone must be an IANA time zone such as Europe/Paris', 'settings');
    }
    const updated = await this.ctx.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM platform.tenants WHERE id = ${tenantId}::uuid FOR UPDATE`;
      const before = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId } });
      const settings = { ...((before.settings ?? {}) as Record<string, unknown>), ...(data.settings ?? {}) };
      for (const [key, value] of Object.entries(data.settings ?? {})) if (value === null) delete settings[key];
      const after = await tx.tenant.update({
        where: { id: tenantId },
        data: {
          ...(data.name ? { name: data.name } : {}),
          ...(data.settings ? { settings: settings as Prisma.InputJsonValue } : {}),
          ...(data.enabledModules ? { enabledModules: [...new Set(data.enabledModules)] } : {}),
        },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'platform.tenant.updated', aggregateType: 'Tenant', aggregateId: tenantId, action: 'update',
        changes: diffFields(before, after, ['name', 'settings', 'enabledModules']), data: snapshot(after, ['id', 'name', 'slug', 'enabledModules']),
      });
      // Also before the commit: a store that cannot take the invalidation fails the change (the
      // gateways would serve the old state for minutes); after it, for a refill in between.
      await this.ctx.access.invalidateTenant(tenantId);
      return after;
    });
    await this.ctx.access.invalidateTenant(tenantId);
    return updated;
  }

  /** The calling user; needs only a valid credential, no permission. */
  async me(): Promise<User | null> {
    const { tenantId, userId } = this.ctx.caller;
    if (!tenantId || !userId) throw unauthenticated();
    return this.ctx.loaders.userById.load(userId);
  }

  /** Entity reference from another subgraph: null for an id of another tenant. */
  async userReference(id: string): Promise<User | null> {
    return this.ctx.caller.tenantId ? this.ctx.loaders.userById.load(id) : null;
  }
}

// The tenant row as the lock that serializes a tenant's counted writes: inviting users against
// `limits.maxUsers`, numbering invoices, naming database instances. `lockRow` from @bacbos/common
// filters on tenant_id, which the tenants table does not have, hence this one.
import { notFound } from '@bacbos/common';
import type { Prisma, Tenant } from '../../generated/prisma/client';

export type Tx = Prisma.TransactionClient;

/** Locks the tenant row (SELECT ... FOR UPDATE) for the rest of the transaction and returns it. */
export async function lockTenant(tx: Tx, tenantId: string): Promise<Tenant> {
  const rows = await tx.$queryRaw<unknown[]>`SELECT 1 FROM platform.tenants WHERE id = ${tenantId}::uuid FOR UPDATE`;
  if (rows.length !== 1) throw notFound('Tenant');
  return tx.tenant.findUniqueOrThrow({ where: { id: tenantId } });
}

/** A numeric limit of the tenant's plan (`tenant.limits`), or null when the plan sets none. */
export function limitOf(tenant: Tenant, name: string): number | null {
  const value = ((tenant.limits ?? {}) as Record<string, unknown>)[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The tenant's usage counters (`tenant.usage`) with one counter replaced. */
export function withUsage(tenant: Tenant, name: string, value: number): Prisma.InputJsonValue {
  return { ...((tenant.usage ?? {}) as Record<string, unknown>), [name]: value } as Prisma.InputJsonValue;
}

/** Users that count against `limits.maxUsers`: everyone of the tenant but deleted accounts. */
export const COUNTED_USER: Prisma.UserWhereInput = { status: { not: 'deleted' } };

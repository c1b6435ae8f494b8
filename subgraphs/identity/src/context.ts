import DataLoader from 'dataloader';
import { byId, manyByKey, type CallerIdentity, type KeyValueStore } from '@bacbos/common';
import type { IdentityDb } from './db';
import type { Organization } from './generated/prisma/client';

/** Built once per request (subgraph.ts): the verified caller, the database, per-request loaders and each module's services. */
export type { IdentityContext } from './subgraph';

/** What lives as long as the subgraph process, shared by every request. */
export interface IdentityDeps {
  db: IdentityDb;
  /** Shared with the gateway (Redis): revocation markers it reads on every request. */
  kv: KeyValueStore;
}

export interface IdentityLoaders {
  organizationById: DataLoader<string, Organization | null>;
  childrenByParentId: DataLoader<string, Organization[]>;
  memberIdsByOrganizationId: DataLoader<string, string[]>;
}

/** Batched, and always within the caller's tenant. */
export function createLoaders({ db }: IdentityDeps, { tenantId }: CallerIdentity): IdentityLoaders {
  return {
    organizationById: new DataLoader(async (ids) => {
      const rows = tenantId ? await db.organization.findMany({ where: { tenantId, id: { in: [...ids] } } }) : [];
      return byId(ids, rows);
    }),
    childrenByParentId: new DataLoader(async (ids) => {
      const rows = tenantId ? await db.organization.findMany({ where: { tenantId, parentId: { in: [...ids] } }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }) : [];
      return manyByKey(ids, rows, (r) => r.parentId);
    }),
    memberIdsByOrganizationId: new DataLoader(async (ids) => {
      const rows = tenantId ? await db.organizationMember.findMany({ where: { tenantId, organizationId: { in: [...ids] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }) : [];
      return manyByKey(ids, rows, (r) => r.organizationId).map((members) => members.map((r) => r.userId));
    }),
  };
}

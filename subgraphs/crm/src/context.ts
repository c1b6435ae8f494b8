import DataLoader from 'dataloader';
import { byId, manyByKey, type CallerIdentity } from '@bacbos/common';
import type { CrmDb } from './db';
import type { Contact, Lead, Opportunity } from './generated/prisma/client';

/** Built once per request (subgraph.ts): the verified caller, the database, per-request loaders and each module's services. */
export type { CrmContext } from './subgraph';

/** What lives as long as the subgraph process, shared by every request. */
export interface CrmDeps {
  db: CrmDb;
}

export interface CrmLoaders {
  contactById: DataLoader<string, Contact | null>;
  leadById: DataLoader<string, Lead | null>;
  leadsByContactId: DataLoader<string, Lead[]>;
  opportunitiesByContactId: DataLoader<string, Opportunity[]>;
}

/**
 * One SQL statement per batch, always filtered by the caller's tenant: a key of another tenant
 * loads as null or as an empty list.
 */
export function createLoaders({ db }: CrmDeps, { tenantId }: CallerIdentity): CrmLoaders {
  const none = <T>(ids: readonly string[], empty: T) => ids.map(() => empty);
  return {
    contactById: new DataLoader(async (ids) =>
      tenantId ? byId(ids, await db.contact.findMany({ where: { tenantId, id: { in: [...ids] } } })) : none(ids, null)),
    leadById: new DataLoader(async (ids) =>
      tenantId ? byId(ids, await db.lead.findMany({ where: { tenantId, id: { in: [...ids] } } })) : none(ids, null)),
    leadsByContactId: new DataLoader(async (ids) =>
      tenantId
        ? manyByKey(ids, await db.lead.findMany({ where: { tenantId, contactId: { in: [...ids] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }), (l) => l.contactId)
        : none(ids, [])),
    opportunitiesByContactId: new DataLoader(async (ids) =>
      tenantId
        ? manyByKey(ids, await db.opportunity.findMany({ where: { tenantId, contactId: { in: [...ids] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }), (o) => o.contactId)
        : none(ids, [])),
  };
}

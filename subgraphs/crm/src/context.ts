import DataLoader from 'dataloader';
import { byId, manyByKey, type CallerIdentity, type Logger } from '@bacbos/common';
import type { CrmDb } from './db';
import type { Contact, Lead, Opportunity } from './generated/prisma/client';
import { ContactService } from './modules/contacts';
import { LeadService } from './modules/leads';
import { OpportunityService } from './modules/opportunities';

/** Built once per request: the verified caller, the database, per-request loaders and services. */
export interface CrmContext {
  caller: CallerIdentity;
  db: CrmDb;
  log: Logger;
  loaders: CrmLoaders;
  contacts: ContactService;
  leads: LeadService;
  opportunities: OpportunityService;
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
export function createLoaders(db: CrmDb, tenantId: string | null): CrmLoaders {
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

export function createCrmContext(db: CrmDb, caller: CallerIdentity, log: Logger): CrmContext {
  const ctx = { caller, db, log, loaders: createLoaders(db, caller.tenantId) } as CrmContext;
  ctx.contacts = new ContactService(ctx);
  ctx.leads = new LeadService(ctx);
  ctx.opportunities = new OpportunityService(ctx);
  return ctx;
}

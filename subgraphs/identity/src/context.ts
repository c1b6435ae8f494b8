import DataLoader from 'dataloader';
import { byId, manyByKey, type CallerIdentity, type KeyValueStore, type Logger } from '@bacbos/common';
import type { IdentityDb } from './db';
import type { Organization } from './generated/prisma/client';
import { OAuthClientService } from './modules/oauth';
import { OrganizationService } from './modules/organizations';

export interface IdentityContext {
  caller: CallerIdentity;
  db: IdentityDb;
  /** Shared with the gateway (Redis): revocation markers it reads on every request. */
  kv: KeyValueStore;
  log: Logger;
  loaders: IdentityLoaders;
  organizations: OrganizationService;
  oauthClients: OAuthClientService;
}

export interface IdentityLoaders {
  organizationById: DataLoader<string, Organization | null>;
  childrenByParentId: DataLoader<string, Organization[]>;
  memberIdsByOrganizationId: DataLoader<string, string[]>;
}

/** Batched, and always within the caller's tenant. */
export function createLoaders(db: IdentityDb, tenantId: string | null): IdentityLoaders {
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

export function createIdentityContext(deps: { db: IdentityDb; kv: KeyValueStore }, caller: CallerIdentity, log: Logger): IdentityContext {
  const { db, kv } = deps;
  const ctx = { caller, db, kv, log, loaders: createLoaders(db, caller.tenantId) } as IdentityContext;
  ctx.organizations = new OrganizationService(ctx);
  ctx.oauthClients = new OAuthClientService(ctx);
  return ctx;
}

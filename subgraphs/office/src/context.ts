import DataLoader from 'dataloader';
import { byId, type CallerIdentity, type ObjectStore } from '@bacbos/common';
import type { OfficeDb } from './db';
import type { Document } from './generated/prisma/client';

/** Built once per request (subgraph.ts): the caller, the database, the object store, per-request loaders and each module's services. */
export type { OfficeContext } from './subgraph';

/** What lives as long as the subgraph process, shared by every request. */
export interface OfficeDeps {
  db: OfficeDb;
  /** The object store of file bytes (one per process, see index.ts). */
  objects: ObjectStore;
}

export interface OfficeLoaders {
  documentById: DataLoader<string, Document | null>;
}

/** Batched, and always within the caller's tenant. */
export function createLoaders({ db }: OfficeDeps, { tenantId }: CallerIdentity): OfficeLoaders {
  return {
    documentById: new DataLoader(async (ids) => {
      const rows = tenantId ? await db.document.findMany({ where: { tenantId, id: { in: [...ids] } } }) : [];
      return byId(ids, rows);
    }),
  };
}

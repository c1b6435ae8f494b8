import DataLoader from 'dataloader';
import type { CallerIdentity, Logger } from '@bacbos/common';
import type { OfficeDb } from './db';
import type { Document } from './generated/prisma/client';
import { DocumentService } from './modules/writer/document.service';

export interface OfficeContext {
  caller: CallerIdentity;
  db: OfficeDb;
  log: Logger;
  loaders: OfficeLoaders;
  documents: DocumentService;
}

export interface OfficeLoaders {
  documentById: DataLoader<string, Document | null>;
}

/** Batched, and always within the caller's tenant. */
export function createLoaders(db: OfficeDb, tenantId: string | null): OfficeLoaders {
  return {
    documentById: new DataLoader(async (ids) => {
      const rows = tenantId ? await db.document.findMany({ where: { tenantId, id: { in: [...ids] } } }) : [];
      return ids.map((id) => rows.find((r) => r.id === id) ?? null);
    }),
  };
}

export function createOfficeContext(db: OfficeDb, caller: CallerIdentity, log: Logger): OfficeContext {
  const ctx = { caller, db, log, loaders: createLoaders(db, caller.tenantId) } as OfficeContext;
  ctx.documents = new DocumentService(ctx);
  return ctx;
}

import DataLoader from 'dataloader';
import { byId, type CallerIdentity, type Logger, type ObjectStore } from '@bacbos/common';
import type { OfficeDb } from './db';
import type { Document } from './generated/prisma/client';
import { DocumentService } from './modules/writer';
import { DriveService, sharedObjectStore } from './modules/drive';
import { CalendarService } from './modules/calendar';
import { MailService } from './modules/mail';
import { SheetService } from './modules/sheets';
import { PresentationService } from './modules/slides';
import { RoomService } from './modules/meet';

export interface OfficeContext {
  caller: CallerIdentity;
  db: OfficeDb;
  log: Logger;
  loaders: OfficeLoaders;
  /** The object store of file bytes (one per process, see index.ts). */
  objects: ObjectStore;
  drive: DriveService;
  calendar: CalendarService;
  mail: MailService;
  documents: DocumentService;
  sheets: SheetService;
  presentations: PresentationService;
  rooms: RoomService;
}

export interface OfficeLoaders {
  documentById: DataLoader<string, Document | null>;
}

/** Batched, and always within the caller's tenant. */
export function createLoaders(db: OfficeDb, tenantId: string | null): OfficeLoaders {
  return {
    documentById: new DataLoader(async (ids) => {
      const rows = tenantId ? await db.document.findMany({ where: { tenantId, id: { in: [...ids] } } }) : [];
      return byId(ids, rows);
    }),
  };
}

export function createOfficeContext(db: OfficeDb, caller: CallerIdentity, log: Logger, objects: ObjectStore = sharedObjectStore()): OfficeContext {
  const ctx = { caller, db, log, loaders: createLoaders(db, caller.tenantId) } as OfficeContext;
  ctx.objects = objects;
  ctx.drive = new DriveService(ctx, objects);
  ctx.calendar = new CalendarService(ctx);
  ctx.mail = new MailService(ctx);
  ctx.documents = new DocumentService(ctx);
  ctx.sheets = new SheetService(ctx);
  ctx.presentations = new PresentationService(ctx);
  ctx.rooms = new RoomService(ctx);
  return ctx;
}

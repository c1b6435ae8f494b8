// The office subgraph's modules (SDL, typed resolvers, services) and the request context they make.
import { defineSubgraph, type ContextOf } from '@bacbos/common';
import { createLoaders } from './context';
import { calendarResolvers, CalendarService } from './modules/calendar';
import { DriveService, driveResolvers } from './modules/drive';
import { MailService, mailResolvers } from './modules/mail';
import { meetResolvers, RoomService } from './modules/meet';
import { sheetsResolvers, SheetService } from './modules/sheets';
import { PresentationService, slidesResolvers } from './modules/slides';
import { DocumentService, writerResolvers } from './modules/writer';

export const office = defineSubgraph({
  dir: __dirname,
  loaders: createLoaders,
  modules: {
    writer: { resolvers: writerResolvers, services: { documents: DocumentService } },
    sheets: { resolvers: sheetsResolvers, services: { sheets: SheetService } },
    slides: { resolvers: slidesResolvers, services: { presentations: PresentationService } },
    drive: { resolvers: driveResolvers, services: { drive: DriveService } },
    calendar: { resolvers: calendarResolvers, services: { calendar: CalendarService } },
    mail: { resolvers: mailResolvers, services: { mail: MailService } },
    meet: { resolvers: meetResolvers, services: { rooms: RoomService } },
  },
});

/** Built once per request: the caller, the database, the object store, per-request loaders and each module's services. */
// An interface, not a type alias: the services name this type while it is derived from them, and
// only an interface breaks that cycle.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OfficeContext extends ContextOf<typeof office> {}

// What `npm run search:reindex` reads of office: every spreadsheet, presentation, drive file, mail
// copy and calendar event of a tenant, each as the state its latest event would carry (EVENTS.md,
// "Fields for the search index"), read by the same functions the events read. Internal: mounted
// under /internal behind the subgraph gate (only a caller signed with the gateway's secret gets
// in; the gateway forwards no client request there), and only for a caller holding office:admin,
// since it lists every user's mail and calendar. GraphQL has no such listing on purpose: no user,
// administrator or not, reads another user's mailbox.
import express from 'express';
import { authorize, hasPermission, isUuid, withTenant, type CallerIdentity } from '@bacbos/common';
import type { GraphQLError } from 'graphql';
import type { OfficeDb } from './db';
import { eventReaderIds } from './modules/calendar';
import { fileSearchData } from './modules/drive';
import { spreadsheetSearchData } from './modules/sheets';
import { presentationSearchData } from './modules/slides';

/** Objects per page: each costs a statement or two (search text, access list). */
export const SEARCH_LISTING_PAGE = 100;

/** One object's current state as an event of that type carries it (the indexer maps it). */
export interface ListedState { type: string; data: Record<string, unknown> }
export interface SearchListingPage { items: ListedState[]; next: string | null }

type Lister = (db: OfficeDb, tenantId: string, after: string | null, take: number) => Promise<Array<ListedState & { key: string }>>;
const idAfter = (after: string | null) => (after ? { id: { gt: after } } : {});

/** The listings by path segment: one per indexed office type, in id order. Trashed items are not listed. */
export const SEARCH_LISTINGS: Record<string, Lister> = {
  spreadsheets: async (db, tenantId, after, take) => {
    const rows = await db.spreadsheet.findMany({ where: { tenantId, trashedAt: null, ...idAfter(after) }, orderBy: { id: 'asc' }, take, select: { id: true } });
    return Promise.all(rows.map(async ({ id }) => ({
      key: id, type: 'office.worksheet.cells_changed', data: { spreadsheetId: id, ...(await spreadsheetSearchData(db, tenantId, id)) },
    })));
  },
  presentations: async (db, tenantId, after, take) => {
    const rows = await db.presentation.findMany({ where: { tenantId, trashedAt: null, ...idAfter(after) }, orderBy: { id: 'asc' }, take, select: { id: true } });
    return Promise.all(rows.map(async ({ id }) => ({
      key: id, type: 'office.presentation.created', data: { id, ...(await presentationSearchData(db, tenantId, id)) },
    })));
  },
  files: async (db, tenantId, after, take) => {
    const rows = await db.file.findMany({
      where: { tenantId, status: 'ready', trashedAt: null, ...idAfter(after) }, orderBy: { id: 'asc' }, take,
      select: { id: true, tenantId: true, folderId: true, ownerId: true, name: true, contentType: true },
    });
    return Promise.all(rows.map(async (file) => ({
      key: file.id, type: 'office.file.uploaded', data: { id: file.id, name: file.name, contentType: file.contentType, ...(await fileSearchData(db, file)) },
    })));
  },
  // One item per copy: each participant's copy is read by that mailbox's owner only.
  emails: async (db, tenantId, after, take) => {
    const rows = await db.email.findMany({
      where: { tenantId, ...idAfter(after) }, orderBy: { id: 'asc' }, take,
      select: { id: true, subject: true, fromAddress: true, toAddresses: true, ccAddresses: true, bodyText: true, mailbox: { select: { userId: true } } },
    });
    return rows.map((e) => ({
      key: e.id, type: 'office.email.sent',
      data: { id: e.id, subject: e.subject, from: e.fromAddress, to: e.toAddresses, cc: e.ccAddresses, bodyText: e.bodyText, copies: [{ id: e.id, userId: e.mailbox.userId }] },
    }));
  },
  events: async (db, tenantId, after, take) => {
    const rows = await db.event.findMany({
      where: { tenantId, ...idAfter(after) }, orderBy: { id: 'asc' }, take,
      select: { id: true, title: true, location: true, description: true, organizerId: true, calendar: { select: { ownerId: true } }, attendees: { select: { userId: true } } },
    });
    return rows.map((e) => ({
      key: e.id, type: 'office.event.created',
      data: {
        id: e.id, title: e.title, location: e.location, description: e.description, organizerId: e.organizerId,
        readerIds: eventReaderIds(e.calendar.ownerId, e.organizerId, e.attendees.map((a) => a.userId)),
      },
    }));
  },
};

const errorBody = (code: string, message: string) => ({ errors: [{ message, extensions: { code } }] });

/** GET /internal/search-listing/:kind?after=<id>: a page of that kind, and the `after` of the next page (null at the end). */
export function searchListingRoutes(db: OfficeDb) {
  return (router: express.Router) => {
    router.get('/search-listing/:kind', async (req, res, next) => {
      const caller = res.locals.caller as CallerIdentity;
      let tenantId: string;
      try {
        tenantId = authorize(caller, 'office:read');
        if (!hasPermission(caller.permissions, 'office:admin')) return void res.status(403).json(errorBody('FORBIDDEN', 'Missing permission office:admin'));
      } catch (error) {
        const code = String((error as GraphQLError).extensions?.code ?? 'FORBIDDEN');
        return void res.status(code === 'UNAUTHENTICATED' ? 401 : 403).json(errorBody(code, (error as Error).message));
      }
      const list = Object.hasOwn(SEARCH_LISTINGS, req.params.kind) ? SEARCH_LISTINGS[req.params.kind] : undefined;
      if (!list) return void res.status(404).json(errorBody('NOT_FOUND', `No listing named ${req.params.kind}; one of ${Object.keys(SEARCH_LISTINGS).join(', ')}`));
      const after = typeof req.query.after === 'string' && req.query.after ? req.query.after : null;
      if (after !== null && !isUuid(after)) return void res.status(400).json(errorBody('BAD_USER_INPUT', 'after must be an id of the previous page'));
      try {
        const rows = await withTenant(tenantId, () => list(db, tenantId, after, SEARCH_LISTING_PAGE + 1));
        const page = rows.slice(0, SEARCH_LISTING_PAGE);
        const body: SearchListingPage = { items: page.map(({ type, data }) => ({ type, data })), next: rows.length > SEARCH_LISTING_PAGE ? page[page.length - 1].key : null };
        res.json(body);
      } catch (error) {
        next(error);
      }
    });
  };
}

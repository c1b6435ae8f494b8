// The indexer: consumes the owning subgraphs' outbox events from the bus (Kafka in deployments,
// the same stream live subscriptions use) and keeps the engine's index in step. Each event is
// turned into index operations by `operationsOf` (pure, one place for every event type); the
// engine applies a state only when its outbox position is newer than the one stored, so a
// duplicate delivery (at least once) or a replay changes nothing: idempotent by event, in order
// per object (events are keyed by aggregate id, so one object's events arrive in commit order).
import { createHash } from 'node:crypto';
import { Histogram } from 'prom-client';
import { metricsRegistry, topicFor, type EventBus, type EventEnvelope, type Logger } from '@bacbos/common';
import type { ExpiringReader, IndexOperation, SearchEngine, SearchType } from './engine/engine';

export type { IndexOperation };

/** The topics whose events carry searchable objects. */
export const INDEXED_TOPICS = ['crm', 'office', 'hr', 'platform'].map(topicFor);

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const words = (...parts: unknown[]): string => parts.flatMap((p) => (Array.isArray(p) ? p.map(str) : [str(p)])).filter(Boolean).join(' ');
/** Worksheet names: `[{ name }]` (spreadsheet created) or `[name]` (cell commits). */
const worksheetNames = (v: unknown): string => words(Array.isArray(v) ? v.map((w: unknown) => (typeof w === 'string' ? w : (w as { name?: unknown } | null)?.name)) : []);
const ids = (v: unknown): string[] => (Array.isArray(v) ? [...new Set(v.filter((x): x is string => typeof x === 'string'))] : []);

/**
 * A file's access list as office sends it (EVENTS.md): `readerIds` is everyone who may open it,
 * `readerExpiry` maps those whose every grant expires to when the last one does. Those are indexed
 * as expiring readers (checked against the clock at query time), the rest as readers.
 */
function fileAccess(file: { readerIds?: unknown; readerExpiry?: unknown }): { readers: string[]; expiring: ExpiringReader[] } {
  const expiry = file.readerExpiry && typeof file.readerExpiry === 'object' ? (file.readerExpiry as Record<string, unknown>) : {};
  const expiring: ExpiringReader[] = [];
  const readers: string[] = [];
  for (const id of ids(file.readerIds)) {
    const until = expiry[id];
    if (typeof until === 'string' && !Number.isNaN(Date.parse(until))) expiring.push({ userId: id, until });
    else readers.push(id);
  }
  return { readers, expiring };
}

/** The index operations of one event; none for events that change nothing searchable. */
export function operationsOf(event: EventEnvelope): IndexOperation[] {
  const data = event.payload.data;
  const position = BigInt(event.seq);
  const doc = (type: SearchType, fields: { id?: string; title: string; subtitle?: string; body?: string; readers: string[] | null; expiring?: ExpiringReader[] }): IndexOperation => ({
    kind: 'index',
    document: {
      tenantId: event.tenantId, type, id: fields.id ?? event.aggregateId, title: fields.title, subtitle: fields.subtitle ?? '', body: fields.body ?? '',
      readers: fields.readers, ...(fields.expiring?.length ? { expiring: fields.expiring } : {}), position, updatedAt: event.occurredAt,
    },
  });
  const remove = (type: SearchType): IndexOperation => ({ kind: 'delete', key: { tenantId: event.tenantId, type, id: event.aggregateId }, position });
  switch (event.type) {
    case 'crm.contact.created':
    case 'crm.contact.updated':
      return [doc('CONTACT', { title: words(data.firstName, data.lastName), subtitle: words(data.email, data.company), body: words(data.title, data.phone, data.tags), readers: null })];
    case 'crm.contact.deleted':
      // Its leads went with it (cascade); the event names them.
      return [remove('CONTACT'), ...ids(data.leadIds).map((id): IndexOperation => ({ kind: 'delete', key: { tenantId: event.tenantId, type: 'LEAD', id }, position }))];
    case 'crm.lead.created':
    case 'crm.lead.updated':
    case 'crm.lead.converted':
      return [doc('LEAD', { title: str(data.title), subtitle: words(data.source, data.status), body: words(data.tags), readers: null })];
    case 'crm.opportunity.created':
    case 'crm.opportunity.moved':
      return [doc('OPPORTUNITY', { title: str(data.name), subtitle: str(data.stage), body: words(data.amount, data.currency), readers: null })];
    case 'office.document.created':
    case 'office.document.edited':
    case 'office.document.shared': {
      const readers = ids(data.readerIds);
      return [doc('DOCUMENT', { title: str(data.title), body: str(data.text), readers: readers.length ? readers : ids([data.ownerId]) })];
    }
    case 'office.spreadsheet.created':
      return [doc('SPREADSHEET', { title: str(data.title), subtitle: worksheetNames(data.worksheets), body: str(data.cellText), readers: null })];
    // A commit's last cellsChanged event and a worksheet's removal carry the whole spreadsheet's
    // search data (title, worksheet names, the first 64 KiB of cell text); the other events do not.
    case 'office.worksheet.cells_changed':
    case 'office.worksheet.deleted':
      if (typeof data.cellText !== 'string' || typeof data.spreadsheetId !== 'string') return [];
      return [doc('SPREADSHEET', { id: data.spreadsheetId, title: str(data.title), subtitle: worksheetNames(data.worksheets), body: data.cellText, readers: null })];
    case 'office.presentation.created':
      return [doc('PRESENTATION', { title: str(data.title), body: str(data.slideText), readers: null })];
    // Each new or removed slide's event carries the whole presentation's title and slide text
    // after it (first 64 KiB): a removed slide's words leave the index with it.
    case 'office.slide.created':
    case 'office.slide.deleted':
      if (typeof data.slideText !== 'string' || typeof data.presentationId !== 'string') return [];
      return [doc('PRESENTATION', { id: data.presentationId, title: str(data.title), body: data.slideText, readers: null })];
    case 'office.file.uploaded':
      return [doc('FILE', { title: str(data.name), subtitle: str(data.path), body: str(data.contentType), ...fileAccess({ readerIds: data.readerIds ?? [data.ownerId], readerExpiry: data.readerExpiry }) })];
    case 'office.share.created':
    case 'office.share.updated': {
      // Keyed by the share, but carrying the file's whole access list after it.
      const file = (data.file ?? {}) as { id?: unknown; readerIds?: unknown; readerExpiry?: unknown };
      if (typeof file.id !== 'string') return [];
      return [{ kind: 'readers', key: { tenantId: event.tenantId, type: 'FILE', id: file.id }, ...fileAccess(file), position }];
    }
    case 'office.email.sent': {
      const copies = Array.isArray(data.copies) ? (data.copies as { id?: unknown; userId?: unknown }[]) : [];
      return copies.filter((c) => typeof c.id === 'string' && typeof c.userId === 'string').map((c) =>
        doc('EMAIL', { id: c.id as string, title: str(data.subject), subtitle: words(data.from, data.to, data.cc), body: str(data.bodyText), readers: [c.userId as string] }));
    }
    case 'office.event.created':
      return [doc('CALENDAR_EVENT', { title: str(data.title), subtitle: str(data.location), body: str(data.description), readers: ids(data.readerIds).length ? ids(data.readerIds) : ids([data.organizerId]) })];
    case 'hr.employee.created':
    case 'hr.employee.updated':
      return [doc('EMPLOYEE', { title: words(data.firstName, data.lastName), subtitle: words(data.email, data.employeeNumber), body: words(data.department, data.position), readers: null })];
    case 'platform.user.created':
    case 'platform.user.invited':
    case 'platform.user.updated':
      return [doc('USER', { title: words(data.firstName, data.lastName) || str(data.email), subtitle: str(data.email), readers: null })];
    case 'platform.user.removed':
      return [remove('USER'), { kind: 'removeReader', tenantId: event.tenantId, userId: event.aggregateId }];
    default:
      return [];
  }
}

/** Commit (the event's occurredAt) to searchable: the index's freshness, per engine. */
export const indexDelay = new Histogram({
  name: 'bacbos_search_index_delay_seconds',
  help: 'from an event\'s commit (occurredAt) to its change being searchable',
  labelNames: ['engine'],
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

/** Applies a run of events' operations to the engine, in event order, as one batch; returns the events that changed the index. */
export async function applyEvents(engine: SearchEngine, events: EventEnvelope[]): Promise<EventEnvelope[]> {
  const perEvent = events.map((event) => ({ event, ops: operationsOf(event) }));
  const ops = perEvent.flatMap((e) => e.ops);
  if (ops.length) await engine.apply(ops);
  return perEvent.filter((e) => e.ops.length).map((e) => e.event);
}

/** Applies one event's operations to the engine; returns how many there were. */
export const applyEvent = async (engine: SearchEngine, event: EventEnvelope): Promise<number> => {
  const ops = operationsOf(event);
  if (ops.length) await engine.apply(ops);
  return ops.length;
};

/**
 * Consumes every indexed topic in one consumer group per index. A new group starts at the end of
 * the topics, not at their beginning: topics are shared by every database of a broker and keep a
 * week of events, so a new index is built from the owners by `npm run search:reindex` instead, and
 * from then on the group's committed offsets carry it across restarts without a gap. Events come in
 * runs (what one fetch of a partition brought, up to MAX_EVENT_BATCH), each applied as one batch
 * (OpenSearch: one bulk and one refresh) and committed only once applied.
 */
export function startIndexer(bus: EventBus, options: { engine: SearchEngine; indexId: string; log: Logger; topics?: string[] }): Promise<() => Promise<void>> {
  const groupId = `search-indexer-${createHash('sha256').update(`${options.engine.name}:${options.indexId}`).digest('hex').slice(0, 12)}`;
  return bus.subscribe({
    groupId,
    name: 'search-indexer',
    topics: options.topics ?? INDEXED_TOPICS,
    fromBeginning: false,
    onBatch: async (events) => {
      let indexed: EventEnvelope[];
      try {
        indexed = await applyEvents(options.engine, events);
      } catch (error) {
        // A failure is retried by the bus (the run is not committed); log the run's first and last ids.
        options.log.error({ err: error, events: events.length, firstEventId: events[0].id, lastEventId: events.at(-1)!.id }, 'could not index a batch of events');
        throw error;
      }
      const now = Date.now();
      for (const event of indexed) indexDelay.observe({ engine: options.engine.name }, Math.max(0, now - Date.parse(event.occurredAt)) / 1000);
    },
  });
}

// Document activity events, read back from the office outbox (rows stay after publication: they
// are the history a documentActivity subscription resumes from, and the source the gateway
// resolves each payload from). An event is visible only to callers who may read its document.
import { authorize, badInput, isUuid, UNKNOWN_EVENT_ID } from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { OutboxEvent } from '../../generated/prisma/client';

export const DOCUMENT_EVENT_TYPES = ['office.document.created', 'office.document.edited', 'office.document.commented', 'office.document.shared'];

export interface DocumentActivityView {
  eventId: string;
  type: string;
  version: number;
  at: Date;
  actorId: string | null;
  documentId: string;
  /** The document's fields as the event left them (id, title, version, updatedAt). */
  documentSnapshot: Record<string, unknown>;
  comment: Record<string, unknown> | null;
  collaborator: Record<string, unknown> | null;
  changes: Record<string, unknown>;
}

function view(row: OutboxEvent): DocumentActivityView {
  const payload = row.payload as { data?: Record<string, unknown>; audit?: { changes?: Record<string, unknown> } };
  const data = payload.data ?? {};
  return {
    eventId: row.id,
    type: /^office\.document\.(\w+)$/.exec(row.type)?.[1] ?? row.type,
    version: Number(data.version ?? 1),
    at: row.occurredAt,
    actorId: row.actorId,
    documentId: String(data.documentId ?? row.aggregateId),
    documentSnapshot: { id: data.id, title: data.title, version: data.version, updatedAt: data.updatedAt },
    comment: (data.comment as Record<string, unknown> | undefined) ?? null,
    collaborator: (data.collaborator as Record<string, unknown> | undefined) ?? null,
    changes: payload.audit?.changes ?? {},
  };
}

export class DocumentActivityService {
  constructor(private readonly ctx: OfficeContext) {}

  private where(tenantId: string) {
    return { tenantId, aggregateType: 'Document', type: { in: DOCUMENT_EVENT_TYPES } };
  }

  private async readable(documentId: string): Promise<boolean> {
    return (await this.ctx.documents.get(documentId)) !== null;
  }

  async get(eventId: string): Promise<DocumentActivityView | null> {
    const tenantId = authorize(this.ctx.caller, 'office:read');
    if (!isUuid(eventId)) return null;
    const row = await this.ctx.db.outboxEvent.findFirst({ where: { ...this.where(tenantId), id: eventId } });
    if (!row) return null;
    const event = view(row);
    return (await this.readable(event.documentId)) ? event : null;
  }

  /**
   * Events of the same document as `eventId`, committed after it, in commit order. An unknown id,
   * one of another tenant, or one of a document the caller may not read is BAD_USER_INPUT.
   */
  async after(eventId: string, first: number | null | undefined): Promise<DocumentActivityView[]> {
    const tenantId = authorize(this.ctx.caller, 'office:read');
    const take = first ?? 100;
    if (!Number.isInteger(take) || take < 1 || take > 500) throw badInput('first must be between 1 and 500', 'first');
    const from = isUuid(eventId) ? await this.ctx.db.outboxEvent.findFirst({ where: { ...this.where(tenantId), id: eventId } }) : null;
    if (!from || !(await this.readable(from.aggregateId))) throw badInput(UNKNOWN_EVENT_ID, 'eventId');
    const rows = await this.ctx.db.outboxEvent.findMany({
      where: { ...this.where(tenantId), aggregateId: from.aggregateId, seq: { gt: from.seq } }, orderBy: { seq: 'asc' }, take,
    });
    return rows.map(view);
  }
}

// The documentActivity stream, declared once (EVENTS.md): every edit, comment and share of one
// document, read back from the office outbox (the history a subscription resumes from and the
// source the gateway resolves each payload from). Only callers who may read the document see it.
import { defineEventStream } from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { OutboxEvent } from '../../generated/prisma/client';

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

const VERBS = ['created', 'edited', 'commented', 'shared'] as const;

export const documentActivityStream = defineEventStream({
  field: 'documentActivity',
  description: 'Live edits, comments and shares of one document. after: the last eventId seen; missed events come first.',
  eventType: 'DocumentActivityEvent',
  query: 'documentActivityEvent',
  aggregateType: 'Document',
  types: VERBS.map((verb) => `office.document.${verb}`),
  key: 'documentId',
  permission: 'office:read',
  visible: async (ctx: OfficeContext, documentId) => (await ctx.documents.get(documentId)) !== null,
  outbox: (ctx: OfficeContext) => ctx.db.outboxEvent,
  view: (row: OutboxEvent): DocumentActivityView => {
    const payload = row.payload as { data?: Record<string, unknown>; audit?: { changes?: Record<string, unknown> } };
    const data = payload.data ?? {};
    return {
      eventId: row.id,
      type: row.type.slice('office.document.'.length),
      version: Number(data.version ?? 1),
      at: row.occurredAt,
      actorId: row.actorId,
      documentId: String(data.documentId ?? row.aggregateId),
      documentSnapshot: { id: data.id, title: data.title, version: data.version, updatedAt: data.updatedAt },
      comment: (data.comment as Record<string, unknown> | undefined) ?? null,
      collaborator: (data.collaborator as Record<string, unknown> | undefined) ?? null,
      changes: payload.audit?.changes ?? {},
    };
  },
});

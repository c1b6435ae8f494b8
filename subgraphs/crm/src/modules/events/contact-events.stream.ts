// The contactEvents stream, declared once (EVENTS.md): its events are read back from the CRM outbox
// (rows stay after publication, so they are both the history a subscription resumes from and the
// source the gateway resolves each payload from).
import { defineEventStream } from '@bacbos/common';
import type { CrmContext } from '../../context';
import type { OutboxEvent } from '../../generated/prisma/client';

export interface ContactEventView {
  eventId: string;
  type: string;
  at: Date;
  contact: Record<string, unknown>;
  actorId: string | null;
  changes: Record<string, unknown>;
}

const VERBS = ['created', 'updated', 'deleted'] as const;

export const contactEventStream = defineEventStream({
  field: 'contactEvents',
  description: "Live contact changes of the caller's tenant. after: the last eventId seen; missed events come first.",
  eventType: 'ContactEvent',
  query: 'contactEvent',
  aggregateType: 'Contact',
  types: VERBS.map((verb) => `crm.contact.${verb}`),
  permission: 'crm:read',
  outbox: (ctx: CrmContext) => ctx.db.outboxEvent,
  view: (row: OutboxEvent): ContactEventView => {
    const payload = row.payload as { data?: Record<string, unknown>; audit?: { changes?: Record<string, unknown> } };
    const data = payload.data ?? {};
    return {
      eventId: row.id,
      type: row.type.slice('crm.contact.'.length),
      at: row.occurredAt,
      contact: { ...data, tags: data.tags ?? [], createdAt: data.createdAt ?? row.occurredAt, updatedAt: data.updatedAt ?? row.occurredAt },
      actorId: row.actorId,
      changes: payload.audit?.changes ?? {},
    };
  },
});

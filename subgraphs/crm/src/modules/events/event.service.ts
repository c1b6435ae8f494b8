// Contact events, read back from the CRM outbox (rows stay after publication, so they are both the
// event history for resuming subscriptions and the source the gateway resolves payloads from).
import { authorize, eventsAfter, isUuid } from '@bacbos/common';
import type { CrmContext } from '../../context';

export interface ContactEventView {
  eventId: string;
  type: string;
  at: Date;
  contact: Record<string, unknown>;
  actorId: string | null;
  changes: Record<string, unknown>;
}

interface OutboxRow {
  id: string;
  type: string;
  occurredAt: Date;
  actorId: string | null;
  payload: unknown;
}

const CONTACT_EVENT = /^crm\.contact\.(created|updated|deleted)$/;

function view(row: OutboxRow): ContactEventView {
  const payload = row.payload as { data?: Record<string, unknown>; audit?: { changes?: Record<string, unknown> } };
  const data = payload.data ?? {};
  return {
    eventId: row.id,
    type: CONTACT_EVENT.exec(row.type)?.[1] ?? row.type,
    at: row.occurredAt,
    contact: { ...data, tags: data.tags ?? [], createdAt: data.createdAt ?? row.occurredAt, updatedAt: data.updatedAt ?? row.occurredAt },
    actorId: row.actorId,
    changes: payload.audit?.changes ?? {},
  };
}

export class ContactEventService {
  constructor(private readonly ctx: CrmContext) {}

  private where(tenantId: string) {
    return { tenantId, aggregateType: 'Contact', type: { in: ['crm.contact.created', 'crm.contact.updated', 'crm.contact.deleted'] } };
  }

  async get(eventId: string): Promise<ContactEventView | null> {
    const tenantId = authorize(this.ctx.caller, 'crm:read');
    if (!isUuid(eventId)) return null;
    const row = await this.ctx.db.outboxEvent.findFirst({ where: { ...this.where(tenantId), id: eventId } });
    return row ? view(row) : null;
  }

  /** Events after `eventId` in commit order; an unknown id (or one of another tenant) is BAD_USER_INPUT. */
  async after(eventId: string, first: number | null | undefined): Promise<ContactEventView[]> {
    const where = this.where(authorize(this.ctx.caller, 'crm:read'));
    return eventsAfter({
      eventId,
      first,
      seqOf: async (id) => (await this.ctx.db.outboxEvent.findFirst({ where: { ...where, id }, select: { seq: true } }))?.seq ?? null,
      listAfter: async (seq, take) => (await this.ctx.db.outboxEvent.findMany({ where: { ...where, seq: { gt: seq } }, orderBy: { seq: 'asc' }, take })).map(view),
    });
  }
}

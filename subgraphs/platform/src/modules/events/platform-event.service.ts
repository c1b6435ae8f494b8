// Administrative events, read back from the platform outbox (see EVENTS.md): the source the
// gateway resolves platformEvents payloads from, and the history a reconnecting console resumes from.
import { authorize, eventsAfter, isUuid } from '@bacbos/common';
import type { PlatformContext } from '../../context';
import type { OutboxEvent, Prisma } from '../../generated/prisma/client';

/** Event types an admin console follows; log-ins are left out on purpose (volume, and privacy). */
export const ADMIN_EVENT_TYPES = [
  'platform.tenant.updated', 'platform.plan.changed',
  'platform.user.created', 'platform.user.invited', 'platform.user.mfa_enabled',
  'platform.role.created', 'platform.role.assigned',
  'platform.api_key.created', 'platform.api_key.revoked',
  'platform.session.revoked',
  'platform.database_instance.created', 'platform.database_instance.status_changed',
];

export interface PlatformEventView {
  eventId: string;
  type: string;
  at: Date;
  aggregateType: string;
  aggregateId: string;
  actorId: string | null;
  changes: unknown;
  data: unknown;
}

function view(row: OutboxEvent): PlatformEventView {
  const payload = row.payload as { data?: unknown; audit?: { changes?: unknown } };
  return {
    eventId: row.id, type: row.type, at: row.occurredAt, aggregateType: row.aggregateType, aggregateId: row.aggregateId,
    actorId: row.actorId, changes: payload.audit?.changes ?? {}, data: payload.data ?? {},
  };
}

export class PlatformEventService {
  constructor(private readonly ctx: PlatformContext) {}

  private where(tenantId: string): Prisma.OutboxEventWhereInput {
    return { tenantId, type: { in: ADMIN_EVENT_TYPES } };
  }

  async get(eventId: string): Promise<PlatformEventView | null> {
    const tenantId = authorize(this.ctx.caller, 'platform:admin');
    if (!isUuid(eventId)) return null;
    const row = await this.ctx.db.outboxEvent.findFirst({ where: { ...this.where(tenantId), id: eventId } });
    return row ? view(row) : null;
  }

  async after(eventId: string, first: number | null | undefined): Promise<PlatformEventView[]> {
    const where = this.where(authorize(this.ctx.caller, 'platform:admin'));
    return eventsAfter({
      eventId,
      first,
      seqOf: async (id) => (await this.ctx.db.outboxEvent.findFirst({ where: { ...where, id }, select: { seq: true } }))?.seq ?? null,
      listAfter: async (seq, take) => (await this.ctx.db.outboxEvent.findMany({ where: { ...where, seq: { gt: seq } }, orderBy: { seq: 'asc' }, take })).map(view),
    });
  }
}

// The platformEvents stream, declared once (EVENTS.md): administrative events, read back from the
// platform outbox, the source the gateway resolves payloads from and the history a reconnecting
// console resumes from.
import { defineEventStream } from '@bacbos/common';
import type { PlatformContext } from '../../context';
import type { OutboxEvent } from '../../generated/prisma/client';

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

export const platformEventStream = defineEventStream({
  field: 'platformEvents',
  description: "Live administrative events of the caller's tenant (platform:admin). types: only these event types (e.g. [\"platform.api_key.revoked\"]).",
  eventType: 'PlatformEvent',
  query: 'platformEvent',
  // What an admin console follows; log-ins are left out on purpose (volume, and privacy).
  types: [
    'platform.tenant.updated', 'platform.plan.changed',
    'platform.user.created', 'platform.user.invited', 'platform.user.mfa_enabled',
    'platform.role.created', 'platform.role.assigned',
    'platform.api_key.created', 'platform.api_key.revoked',
    'platform.session.revoked',
    'platform.database_instance.created', 'platform.database_instance.status_changed',
  ],
  typesArgument: 'types',
  permission: 'platform:admin',
  outbox: (ctx: PlatformContext) => ctx.db.outboxEvent,
  view: (row: OutboxEvent): PlatformEventView => {
    const payload = row.payload as { data?: unknown; audit?: { changes?: unknown } };
    return {
      eventId: row.id, type: row.type, at: row.occurredAt, aggregateType: row.aggregateType, aggregateId: row.aggregateId,
      actorId: row.actorId, changes: payload.audit?.changes ?? {}, data: payload.data ?? {},
    };
  },
});

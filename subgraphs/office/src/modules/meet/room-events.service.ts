// Room events (participants joining and leaving, chat messages), read back from the office outbox:
// the history a roomEvents subscription resumes from and the source the gateway resolves each
// payload from. Every office:read user of the tenant may see a room, so visibility is tenant and
// permission only (no per-caller rule).
import { authorize, eventsAfter, isUuid } from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { OutboxEvent } from '../../generated/prisma/client';

export const ROOM_EVENT_TYPES = ['office.room.participant_joined', 'office.room.participant_left', 'office.room.message_sent'];
const ROOM_EVENT = /^office\.room\.(participant_joined|participant_left|message_sent)$/;

export interface RoomEventView {
  eventId: string;
  type: string;
  at: Date;
  actorId: string | null;
  roomId: string;
  /** The participant as the event left them (id, roomId, userId, role, joinedAt, leftAt). */
  participant: Record<string, unknown> | null;
  /** The message (id, roomId, senderId, body, sentAt). */
  message: Record<string, unknown> | null;
}

function view(row: OutboxEvent): RoomEventView {
  const data = ((row.payload as { data?: Record<string, unknown> }).data ?? {});
  return {
    eventId: row.id,
    type: ROOM_EVENT.exec(row.type)?.[1] ?? row.type,
    at: row.occurredAt,
    actorId: row.actorId,
    roomId: String(data.roomId ?? row.aggregateId),
    participant: (data.participant as Record<string, unknown> | undefined) ?? null,
    message: (data.message as Record<string, unknown> | undefined) ?? null,
  };
}

export class RoomEventService {
  constructor(private readonly ctx: OfficeContext) {}

  private where(tenantId: string) {
    return { tenantId, aggregateType: 'Room', type: { in: ROOM_EVENT_TYPES } };
  }

  async get(eventId: string): Promise<RoomEventView | null> {
    const tenantId = authorize(this.ctx.caller, 'office:read');
    if (!isUuid(eventId)) return null;
    const row = await this.ctx.db.outboxEvent.findFirst({ where: { ...this.where(tenantId), id: eventId } });
    return row ? view(row) : null;
  }

  /** Events of the same room as `eventId`, after it, in commit order; an unknown id (or one of another tenant) is BAD_USER_INPUT. */
  async after(eventId: string, first: number | null | undefined): Promise<RoomEventView[]> {
    const where = this.where(authorize(this.ctx.caller, 'office:read'));
    let roomId = '';
    return eventsAfter({
      eventId,
      first,
      seqOf: async (id) => {
        const row = await this.ctx.db.outboxEvent.findFirst({ where: { ...where, id }, select: { seq: true, aggregateId: true } });
        roomId = row?.aggregateId ?? '';
        return row?.seq ?? null;
      },
      listAfter: async (seq, take) =>
        (await this.ctx.db.outboxEvent.findMany({ where: { ...where, aggregateId: roomId, seq: { gt: seq } }, orderBy: { seq: 'asc' }, take })).map(view),
    });
  }
}

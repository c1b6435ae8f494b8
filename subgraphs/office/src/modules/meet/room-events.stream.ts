// The roomEvents stream, declared once (EVENTS.md): participants joining and leaving one room and
// its chat, read back from the office outbox (the history a subscription resumes from and the
// source the gateway resolves each payload from). Every office:read user of the tenant may see a
// room, so tenant and permission decide visibility (no per-caller rule).
import { defineEventStream } from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { OutboxEvent } from '../../generated/prisma/client';

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

const VERBS = ['participant_joined', 'participant_left', 'message_sent'] as const;

export const roomEventStream = defineEventStream({
  field: 'roomEvents',
  description: 'Participants joining and leaving a room and its chat messages. after: the last eventId seen; missed events come first.',
  eventType: 'RoomEvent',
  query: 'roomEvent',
  aggregateType: 'Room',
  types: VERBS.map((verb) => `office.room.${verb}`),
  key: 'roomId',
  permission: 'office:read',
  outbox: (ctx: OfficeContext) => ctx.db.outboxEvent,
  view: (row: OutboxEvent): RoomEventView => {
    const data = (row.payload as { data?: Record<string, unknown> }).data ?? {};
    return {
      eventId: row.id,
      type: row.type.slice('office.room.'.length),
      at: row.occurredAt,
      actorId: row.actorId,
      roomId: String(data.roomId ?? row.aggregateId),
      participant: (data.participant as Record<string, unknown> | undefined) ?? null,
      message: (data.message as Record<string, unknown> | undefined) ?? null,
    };
  },
});

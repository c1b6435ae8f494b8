import type { OfficeContext } from '../../context';
import type { ChatMessage, Participant, Recording, Room } from '../../generated/prisma/client';
import type { RoomEventView } from './room-events.stream';

const user = (id: string | null | undefined) => (id ? { __typename: 'User', id } : null);
const date = (value: unknown) => (value ? new Date(String(value)) : null);

export const meetResolvers = {
  Query: {
    room: (_: unknown, args: { id: string }, ctx: OfficeContext) => ctx.rooms.get(args.id),
  },
  Mutation: {
    createRoom: (_: unknown, args: { name: string }, ctx: OfficeContext) => ctx.rooms.create(args.name),
    joinRoom: (_: unknown, args: { roomId: string }, ctx: OfficeContext) => ctx.rooms.join(args.roomId),
    leaveRoom: (_: unknown, args: { roomId: string }, ctx: OfficeContext) => ctx.rooms.leave(args.roomId),
    sendChatMessage: (_: unknown, args: { roomId: string; body: string }, ctx: OfficeContext) => ctx.rooms.sendMessage(args.roomId, args.body),
  },
  Room: {
    __resolveReference: (ref: { id: string }, ctx: OfficeContext) => ctx.rooms.get(ref.id),
    status: (r: Room) => r.status.toUpperCase(),
    createdBy: (r: Room) => user(r.createdBy),
    participants: (r: Room, _: unknown, ctx: OfficeContext) => ctx.rooms.participants(r.id),
    messages: (r: Room, args: { last?: number | null; before?: string | null }, ctx: OfficeContext) => ctx.rooms.messages(r.id, args),
    recordings: (r: Room, _: unknown, ctx: OfficeContext) => ctx.rooms.recordings(r.id),
  },
  RoomParticipant: {
    user: (p: Participant) => user(p.userId),
    role: (p: Participant) => p.role.toUpperCase(),
  },
  ChatMessage: {
    sender: (m: ChatMessage) => user(m.senderId),
  },
  Recording: {
    status: (r: Recording) => r.status.toUpperCase(),
    size: (r: Recording) => (r.size === null ? null : Number(r.size)),
    startedBy: (r: Recording) => user(r.startedBy),
    downloadUrl: (r: Recording, _: unknown, ctx: OfficeContext) => ctx.rooms.downloadUrl(r),
  },
  RoomEvent: {
    actor: (e: RoomEventView) => user(e.actorId),
    room: (e: RoomEventView, _: unknown, ctx: OfficeContext) => ctx.rooms.get(e.roomId),
    /** As the event left it (snapshot of the participant row). */
    participant: (e: RoomEventView) =>
      e.participant ? { ...e.participant, joinedAt: date(e.participant.joinedAt), leftAt: date(e.participant.leftAt), role: String(e.participant.role ?? 'attendee') } : null,
    message: (e: RoomEventView) => (e.message ? { ...e.message, sentAt: date(e.message.sentAt) } : null),
  },
};

import { userRef } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';
import type { MessageView, ParticipantView } from './room.service';

const date = (value: unknown) => (value ? new Date(String(value)) : null);

// The snapshots a room event carried (participantData, messageData), their dates back from JSON strings.
const participantOf = (s: Record<string, unknown>): ParticipantView =>
  ({ ...(s as Omit<ParticipantView, 'joinedAt' | 'leftAt'>), joinedAt: new Date(String(s.joinedAt)), leftAt: date(s.leftAt), role: String(s.role ?? 'attendee') });
const messageOf = (s: Record<string, unknown>): MessageView => ({ ...(s as Omit<MessageView, 'sentAt'>), sentAt: new Date(String(s.sentAt)) });

export const meetResolvers: Resolvers = {
  Query: {
    room: (_, args, ctx) => ctx.rooms.get(args.id),
  },
  Mutation: {
    createRoom: (_, args, ctx) => ctx.rooms.create(args.name),
    joinRoom: (_, args, ctx) => ctx.rooms.join(args.roomId),
    leaveRoom: (_, args, ctx) => ctx.rooms.leave(args.roomId),
    sendChatMessage: (_, args, ctx) => ctx.rooms.sendMessage(args.roomId, args.body),
  },
  Room: {
    __resolveReference: (ref, ctx) => ctx.rooms.get(ref.id),
    createdBy: (r) => userRef(r.createdBy),
    participants: (r, _, ctx) => ctx.rooms.participants(r.id),
    messages: (r, args, ctx) => ctx.rooms.messages(r.id, args),
    recordings: (r, _, ctx) => ctx.rooms.recordings(r.id),
  },
  RoomParticipant: {
    user: (p) => userRef(p.userId),
  },
  ChatMessage: {
    sender: (m) => userRef(m.senderId),
  },
  Recording: {
    size: (r) => (r.size === null ? null : Number(r.size)),
    startedBy: (r) => userRef(r.startedBy),
    downloadUrl: (r, _, ctx) => ctx.rooms.downloadUrl(r),
  },
  RoomEvent: {
    actor: (e) => userRef(e.actorId),
    room: (e, _, ctx) => ctx.rooms.get(e.roomId),
    /** As the event left it (snapshot of the participant row). */
    participant: (e) => (e.participant ? participantOf(e.participant) : null),
    message: (e) => (e.message ? messageOf(e.message) : null),
  },
};

// Meet rooms: participants, chat and recordings. Rules:
// - any user of the tenant with office:read sees a room (by id) with its participants, chat and
//   recordings; another tenant's room behaves as a missing one (null / NOT_FOUND);
// - createRoom, joinRoom, leaveRoom and sendChatMessage need office:write and a user caller
//   (an API key has no seat in a meeting: FORBIDDEN);
// - joining while present is CONFLICT, leaving while not present is CONFLICT; rejoining reuses the
//   participant row (unique per room and user): joinedAt set again, leftAt cleared;
// - only current participants may chat (FORBIDDEN otherwise);
// - the join code is 10 random characters, unique across tenants (a collision retries).
// Every successful mutation writes its event (with its audit entry) in its transaction; the room
// is the aggregate of every event, so roomEvents delivers them in commit order.
import { randomInt } from 'node:crypto';
import DataLoader from 'dataloader';
import { z } from 'zod';
import {
  authorize, badInput, byId, conflict, decodeCursor, encodeCursor, forbidden, isUniqueViolation, isUuid, keysetAfter, lockRow, manyByKey, notFound, parseInput, recordChange, snapshot, type SortSpec,
} from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { ChatMessage, Participant, Prisma, Recording, Room } from '../../generated/prisma/client';
import { DOWNLOAD_TTL_SECONDS } from '../drive';

type Tx = Prisma.TransactionClient;

export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 10;
const MAX_MESSAGES_PAGE = 100;
const MESSAGE_SORT: SortSpec = { field: 'sentAt', direction: 'desc', type: 'date' };

const createSchema = z.object({ name: z.string().trim().min(1).max(255) });
const messageSchema = z.object({ body: z.string().trim().min(1).max(10_000) });

export const roomData = (r: Room) => ({ roomId: r.id, ...snapshot(r, ['id', 'name', 'joinCode', 'status', 'createdBy', 'startedAt', 'createdAt']) });
export const participantData = (p: Participant) => snapshot(p, ['id', 'roomId', 'userId', 'role', 'joinedAt', 'leftAt']);
export const messageData = (m: ChatMessage) => snapshot(m, ['id', 'roomId', 'senderId', 'body', 'sentAt']);

/** A participant as its resolvers read it: a row, or the snapshot a room event carried (participantData). */
export type ParticipantView = Pick<Participant, 'id' | 'roomId' | 'userId' | 'role' | 'joinedAt' | 'leftAt'>;
/** A chat message as its resolvers read it: a row, or the snapshot a room event carried (messageData). */
export type MessageView = Pick<ChatMessage, 'id' | 'roomId' | 'senderId' | 'body' | 'sentAt'>;

export function newJoinCode(): string {
  return Array.from({ length: JOIN_CODE_LENGTH }, () => JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)]).join('');
}

export interface MessagePage {
  edges: { cursor: string; node: ChatMessage }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: () => Promise<number>;
}

export class RoomService {
  private readonly tenantId: string | null;
  private readonly loaders: ReturnType<RoomService['createLoaders']>;

  constructor(private readonly ctx: OfficeContext) {
    this.tenantId = ctx.caller.tenantId;
    this.loaders = this.createLoaders();
  }

  /** Per request, batched, always within the caller's tenant. */
  private createLoaders() {
    const tenantId = this.tenantId;
    return {
      room: new DataLoader<string, Room | null>(async (ids) => {
        const rows = tenantId ? await this.ctx.db.room.findMany({ where: { tenantId, id: { in: [...ids] } } }) : [];
        return byId(ids, rows);
      }),
      participants: new DataLoader<string, Participant[]>(async (ids) =>
        manyByKey(ids, tenantId ? await this.ctx.db.participant.findMany({
          where: { tenantId, roomId: { in: [...ids] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        }) : [], (p) => p.roomId)),
      recordings: new DataLoader<string, Recording[]>(async (ids) =>
        manyByKey(ids, tenantId ? await this.ctx.db.recording.findMany({
          where: { tenantId, roomId: { in: [...ids] } }, orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
        }) : [], (r) => r.roomId)),
      /** The newest `take` messages of each room (one windowed query for every room of the request). */
      latestMessages: new DataLoader<string, ChatMessage[], string>(async (keys) => {
        const parsed = keys.map((k) => { const [roomId, take] = k.split('|'); return { roomId, take: Number(take) }; });
        const take = Math.max(...parsed.map((p) => p.take));
        const roomIds = [...new Set(parsed.map((p) => p.roomId))];
        const rows = tenantId ? await this.ctx.db.$queryRaw<ChatMessage[]>`
          SELECT id, tenant_id AS "tenantId", room_id AS "roomId", sender_id AS "senderId", body, sent_at AS "sentAt", created_at AS "createdAt"
          FROM (
            SELECT m.*, row_number() OVER (PARTITION BY m.room_id ORDER BY m.sent_at DESC, m.id DESC) AS rn
            FROM office.chat_messages m
            WHERE m.tenant_id = ${tenantId}::uuid AND m.room_id = ANY(${roomIds}::uuid[])
          ) ranked
          WHERE rn <= ${take}
          ORDER BY "roomId", rn` : [];
        const byRoom = manyByKey(parsed.map((p) => p.roomId), rows, (r) => r.roomId);
        return parsed.map((p, i) => byRoom[i].slice(0, p.take));
      }),
    };
  }

  private tenant(permission: 'office:read' | 'office:write'): string {
    return authorize(this.ctx.caller, permission);
  }

  private requireUser(): string {
    if (!this.ctx.caller.userId) throw forbidden('Meetings are for users: sign in as a user');
    return this.ctx.caller.userId;
  }

  async get(id: string): Promise<Room | null> {
    this.tenant('office:read');
    return isUuid(id) ? this.loaders.room.load(id) : null;
  }

  participants(roomId: string): Promise<Participant[]> {
    this.tenant('office:read');
    return this.loaders.participants.load(roomId);
  }

  recordings(roomId: string): Promise<Recording[]> {
    this.tenant('office:read');
    return this.loaders.recordings.load(roomId);
  }

  /** A presigned GET of the recording's media; null while it has none. */
  async downloadUrl(recording: Recording): Promise<string | null> {
    this.tenant('office:read');
    return recording.storageKey ? this.ctx.objects.presignGet(recording.storageKey, DOWNLOAD_TTL_SECONDS) : null;
  }

  /** The `last` messages before the `before` cursor (default: the newest), newest last. */
  async messages(roomId: string, args: { last?: number | null; before?: string | null }): Promise<MessagePage> {
    const tenantId = this.tenant('office:read');
    const last = args.last ?? 50;
    if (!Number.isInteger(last) || last < 0 || last > MAX_MESSAGES_PAGE) throw badInput(`last must be between 0 and ${MAX_MESSAGES_PAGE}`, 'last');
    const cursor = args.before ? decodeCursor(MESSAGE_SORT, args.before) : undefined;
    let rows: ChatMessage[] = [];
    if (last > 0 && cursor) {
      rows = await this.ctx.db.chatMessage.findMany({
        where: { AND: [{ tenantId, roomId }, keysetAfter(MESSAGE_SORT, cursor)] }, orderBy: [{ sentAt: 'desc' }, { id: 'desc' }], take: last + 1,
      });
    } else if (last > 0) {
      rows = await this.loaders.latestMessages.load(`${roomId}|${last + 1}`);
    }
    const page = rows.slice(0, last).reverse();
    const edges = page.map((node) => ({ cursor: encodeCursor(MESSAGE_SORT, node), node }));
    let counted: Promise<number> | undefined;
    return {
      edges,
      pageInfo: { hasPreviousPage: rows.length > last, hasNextPage: Boolean(cursor), startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: () => (counted ??= this.ctx.db.chatMessage.count({ where: { tenantId, roomId } })),
    };
  }

  async create(name: string): Promise<Room> {
    const tenantId = this.tenant('office:write');
    const userId = this.requireUser();
    const data = parseInput(createSchema, { name });
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.ctx.db.$transaction(async (tx) => {
          const room = await tx.room.create({ data: { tenantId, createdBy: userId, name: data.name, joinCode: newJoinCode() } });
          await recordChange(tx, this.ctx.caller, {
            type: 'office.room.created', aggregateType: 'Room', aggregateId: room.id, action: 'create',
            changes: { name: { from: null, to: room.name } }, data: roomData(room),
          });
          return room;
        });
      } catch (error) {
        if (attempt < 5 && isUniqueViolation(error, 'join_code')) continue;
        throw error;
      }
    }
  }

  /** Locks the room of the caller's tenant for the rest of the transaction. */
  private async lockRoom(tx: Tx, tenantId: string, roomId: string): Promise<Room> {
    const locked = isUuid(roomId) && (await lockRow(tx, 'office.rooms', roomId, tenantId));
    const room = locked ? await tx.room.findFirst({ where: { id: roomId, tenantId } }) : null;
    if (!room) throw notFound('Room', 'roomId');
    return room;
  }

  async join(roomId: string): Promise<Room> {
    const tenantId = this.tenant('office:write');
    const userId = this.requireUser();
    return this.ctx.db.$transaction(async (tx) => {
      let room = await this.lockRoom(tx, tenantId, roomId);
      const existing = await tx.participant.findFirst({ where: { tenantId, roomId, userId } });
      if (existing && !existing.leftAt) throw conflict('You are already in this room', 'roomId');
      const now = new Date();
      const participant = existing
        ? await tx.participant.update({ where: { id: existing.id }, data: { joinedAt: now, leftAt: null } })
        : await tx.participant.create({ data: { tenantId, roomId, userId, role: room.createdBy === userId ? 'host' : 'attendee', joinedAt: now } });
      if (!room.startedAt) room = await tx.room.update({ where: { id: room.id }, data: { startedAt: now } });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.room.participant_joined', aggregateType: 'Room', aggregateId: room.id, action: 'join',
        changes: { [`participants.${userId}`]: { from: existing ? 'left' : null, to: 'joined' } },
        data: { ...roomData(room), participant: participantData(participant) },
      });
      return room;
    });
  }

  async leave(roomId: string): Promise<Room> {
    const tenantId = this.tenant('office:write');
    const userId = this.requireUser();
    return this.ctx.db.$transaction(async (tx) => {
      const room = await this.lockRoom(tx, tenantId, roomId);
      const existing = await tx.participant.findFirst({ where: { tenantId, roomId, userId } });
      if (!existing || existing.leftAt) throw conflict('You are not in this room', 'roomId');
      const participant = await tx.participant.update({ where: { id: existing.id }, data: { leftAt: new Date() } });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.room.participant_left', aggregateType: 'Room', aggregateId: room.id, action: 'leave',
        changes: { [`participants.${userId}`]: { from: 'joined', to: 'left' } },
        data: { ...roomData(room), participant: participantData(participant) },
      });
      return room;
    });
  }

  async sendMessage(roomId: string, body: string): Promise<ChatMessage> {
    const tenantId = this.tenant('office:write');
    const userId = this.requireUser();
    const data = parseInput(messageSchema, { body });
    return this.ctx.db.$transaction(async (tx) => {
      const room = await this.lockRoom(tx, tenantId, roomId);
      const present = await tx.participant.findFirst({ where: { tenantId, roomId, userId, leftAt: null } });
      if (!present) throw forbidden('Only participants present in the room may chat: join it first');
      const message = await tx.chatMessage.create({ data: { tenantId, roomId, senderId: userId, body: data.body } });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.room.message_sent', aggregateType: 'Room', aggregateId: room.id, action: 'message',
        changes: { messages: { from: null, to: message.id } },
        data: { roomId: room.id, message: messageData(message) },
      });
      return message;
    });
  }
}

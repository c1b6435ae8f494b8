// The contract's Meet operations (shared/contract/operations/office.graphql), end to end through
// the gateway against real PostgreSQL: rooms, joining and leaving (CONFLICT rules, rejoin reuses
// the participant row), chat for present participants only, messages newest last, recordings with
// presigned downloads, outbox/audit rows for successes only, two-tenant isolation, and the live
// RoomEvents subscription.
import { Client } from 'pg';
import { totalSqlStatements } from '@bacbos/common';
import { addTenantUser, codeOf, contractOperation, eventually, gql, ok, signUpTenant, type TestTenant } from '../helpers/graphql';
import { outboxProbe } from '../helpers/outbox';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { subscribe, waitFor, type Collected } from '../subscriptions/helpers';

let platform: RunningPlatform;
let url: string;
let db: Client;
let a: TestTenant;
let b: TestTenant;

interface Person { userId: string; email: string; token: string; headers: Record<string, string> }
let ed: Person; // member of A
let otto: Person; // member of A
let rita: Person; // viewer of A (office:read only)
const { eventsOf, failsCleanly } = outboxProbe('office', () => db);

const NOBODY = '00000000-0000-4000-8000-000000000000';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const op = (name: string) => contractOperation('office', name);
const run = (name: string, variables: Record<string, unknown>, headers: Record<string, string> = a.headers) => gql(url, op(name), variables, headers);
const createRoom = (name: string, headers = a.headers) => run('CreateRoom', { name }, headers);
const joinRoom = (roomId: string, headers = a.headers) => run('JoinRoom', { roomId }, headers);
const leaveRoom = (roomId: string, headers = a.headers) => run('LeaveRoom', { roomId }, headers);
const send = (roomId: string, body: string, headers = a.headers) => run('SendChatMessage', { roomId, body }, headers);
const readRoom = (id: string, headers = a.headers) => run('Room', { id }, headers);
const open: Collected[] = [];
const track = (c: Collected) => (open.push(c), c);

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  a = await signUpTenant(url, 'Meet A');
  b = await signUpTenant(url, 'Meet B');
  ed = await addTenantUser(url, a, 'member', 'Ed');
  otto = await addTenantUser(url, a, 'member', 'Otto');
  rita = await addTenantUser(url, a, 'viewer', 'Rita');
});
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.dispose()));
});
afterAll(async () => {
  await db.end();
  await platform.stop();
});

describe('CreateRoom', () => {
  it('creates a room of the caller with a random 10-character join code and writes one audited event', async () => {
    const room = await ok(createRoom('  Stand-up  '), 'createRoom');
    expect(room).toEqual({ id: expect.any(String), name: 'Stand-up', joinCode: expect.stringMatching(/^[A-HJ-NP-Z2-9]{10}$/), createdBy: { id: a.userId, email: a.email } });
    const rows = (await db.query('SELECT tenant_id, created_by, status, join_code FROM office.rooms WHERE id = $1', [room.id])).rows;
    expect(rows).toEqual([{ tenant_id: a.tenantId, created_by: a.userId, status: 'open', join_code: room.joinCode }]);
    const events = await eventsOf(room.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'office.room.created', aggregate_type: 'Room', tenant_id: a.tenantId, actor_id: a.userId });
    expect(events[0].payload.data).toMatchObject({ roomId: room.id, name: 'Stand-up', joinCode: room.joinCode });
    expect(events[0].payload.audit).toMatchObject({ action: 'create', resourceType: 'Room', resourceId: room.id, userId: a.userId, changes: { name: { from: null, to: 'Stand-up' } } });
  });

  it('gives every room its own join code', async () => {
    const codes = await Promise.all([...Array(8).keys()].map(async (n) => (await ok(createRoom(`Room ${n}`, n % 2 ? a.headers : b.headers), 'createRoom')).joinCode as string));
    expect(new Set(codes).size).toBe(8);
  });

  it('rejects bad names (BAD_USER_INPUT on name), the viewer role (FORBIDDEN) and no credential (UNAUTHENTICATED), writing nothing', async () => {
    await failsCleanly(a.tenantId, () => createRoom('   '), 'BAD_USER_INPUT', 'name');
    await failsCleanly(a.tenantId, () => createRoom('x'.repeat(256)), 'BAD_USER_INPUT', 'name');
    await failsCleanly(a.tenantId, () => createRoom('By viewer', rita.headers), 'FORBIDDEN');
    expect(codeOf(await createRoom('Anonymous', {}))).toBe('UNAUTHENTICATED');
  });
});

describe('JoinRoom and LeaveRoom', () => {
  let roomId: string;
  beforeAll(async () => {
    roomId = (await ok(createRoom('Weekly'), 'createRoom')).id;
  });

  it('any office:write user of the tenant joins; joining again while present is CONFLICT', async () => {
    const first = await ok(joinRoom(roomId), 'joinRoom');
    expect(first).toEqual({ id: roomId, participants: [{ user: { id: a.userId, email: a.email }, joinedAt: expect.stringMatching(ISO), leftAt: null }] });
    const second = await ok(joinRoom(roomId, ed.headers), 'joinRoom');
    expect(second.participants).toEqual([
      { user: { id: a.userId, email: a.email }, joinedAt: first.participants[0].joinedAt, leftAt: null },
      { user: { id: ed.userId, email: ed.email }, joinedAt: expect.stringMatching(ISO), leftAt: null },
    ]);
    await failsCleanly(a.tenantId, () => joinRoom(roomId, ed.headers), 'CONFLICT', 'roomId');
    const roles = (await db.query('SELECT user_id, role FROM office.participants WHERE room_id = $1 ORDER BY created_at', [roomId])).rows;
    expect(roles).toEqual([{ user_id: a.userId, role: 'host' }, { user_id: ed.userId, role: 'attendee' }]);
    const started = (await db.query('SELECT started_at FROM office.rooms WHERE id = $1', [roomId])).rows[0].started_at;
    expect(started).toBeInstanceOf(Date);
    const joined = (await eventsOf(roomId)).filter((e) => e.type === 'office.room.participant_joined');
    expect(joined).toHaveLength(2);
    expect(joined[1]).toMatchObject({ aggregate_type: 'Room', tenant_id: a.tenantId, actor_id: ed.userId });
    expect(joined[1].payload.data).toMatchObject({ roomId, participant: { userId: ed.userId, roomId, leftAt: null } });
    expect(joined[1].payload.audit).toMatchObject({ action: 'join', resourceType: 'Room', resourceId: roomId, userId: ed.userId, changes: { [`participants.${ed.userId}`]: { from: null, to: 'joined' } } });
  });

  it('leaving sets leftAt; leaving again, or without having joined, is CONFLICT', async () => {
    const left = await ok(leaveRoom(roomId, ed.headers), 'leaveRoom');
    const edEntry = left.participants.find((p: any) => p.user.id === ed.userId);
    expect(edEntry).toEqual({ user: { id: ed.userId, email: ed.email }, joinedAt: expect.stringMatching(ISO), leftAt: expect.stringMatching(ISO) });
    expect(new Date(edEntry.leftAt).getTime()).toBeGreaterThanOrEqual(new Date(edEntry.joinedAt).getTime());
    expect(left.participants.find((p: any) => p.user.id === a.userId).leftAt).toBeNull();
    await failsCleanly(a.tenantId, () => leaveRoom(roomId, ed.headers), 'CONFLICT', 'roomId');
    await failsCleanly(a.tenantId, () => leaveRoom(roomId, otto.headers), 'CONFLICT', 'roomId');
    const leftEvents = (await eventsOf(roomId)).filter((e) => e.type === 'office.room.participant_left');
    expect(leftEvents).toHaveLength(1);
    expect(leftEvents[0].payload.audit).toMatchObject({ action: 'leave', userId: ed.userId, changes: { [`participants.${ed.userId}`]: { from: 'joined', to: 'left' } } });
    expect(leftEvents[0].payload.data.participant).toMatchObject({ userId: ed.userId, leftAt: edEntry.leftAt });
  });

  it('rejoining reuses the participant row: joinedAt set again, leftAt cleared', async () => {
    const before = (await db.query('SELECT id, joined_at FROM office.participants WHERE room_id = $1 AND user_id = $2', [roomId, ed.userId])).rows[0];
    const again = await ok(joinRoom(roomId, ed.headers), 'joinRoom');
    const entry = again.participants.find((p: any) => p.user.id === ed.userId);
    expect(entry.leftAt).toBeNull();
    expect(new Date(entry.joinedAt).getTime()).toBeGreaterThan(before.joined_at.getTime());
    const rows = (await db.query('SELECT id, left_at FROM office.participants WHERE room_id = $1 AND user_id = $2', [roomId, ed.userId])).rows;
    expect(rows).toEqual([{ id: before.id, left_at: null }]);
    expect(again.participants).toHaveLength(2);
    const last = (await eventsOf(roomId)).at(-1)!;
    expect(last).toMatchObject({ type: 'office.room.participant_joined' });
    expect(last.payload.audit.changes).toEqual({ [`participants.${ed.userId}`]: { from: 'left', to: 'joined' } });
  });

  it('of concurrent joins by one user exactly one wins', async () => {
    const room = (await ok(createRoom('Race'), 'createRoom')).id;
    const results = await Promise.all([...Array(5).keys()].map(() => joinRoom(room, otto.headers)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === 'CONFLICT')).toHaveLength(4);
    expect((await eventsOf(room)).filter((e) => e.type === 'office.room.participant_joined')).toHaveLength(1);
  });

  it('unknown or malformed rooms are NOT_FOUND; the viewer role is FORBIDDEN; nothing is written', async () => {
    await failsCleanly(a.tenantId, () => joinRoom(NOBODY), 'NOT_FOUND', 'roomId');
    await failsCleanly(a.tenantId, () => joinRoom('nope'), 'NOT_FOUND', 'roomId');
    await failsCleanly(a.tenantId, () => leaveRoom(NOBODY), 'NOT_FOUND', 'roomId');
    await failsCleanly(a.tenantId, () => joinRoom(roomId, rita.headers), 'FORBIDDEN');
    await failsCleanly(a.tenantId, () => leaveRoom(roomId, rita.headers), 'FORBIDDEN');
    expect(codeOf(await joinRoom(roomId, {}))).toBe('UNAUTHENTICATED');
  });
});

describe('SendChatMessage', () => {
  let roomId: string;
  beforeAll(async () => {
    roomId = (await ok(createRoom('Chatty'), 'createRoom')).id;
    await ok(joinRoom(roomId), 'joinRoom');
  });

  it('a present participant sends a message (trimmed), audited', async () => {
    const msg = await ok(send(roomId, '  Hello all  '), 'sendChatMessage');
    expect(msg).toEqual({ id: expect.any(String), body: 'Hello all', sentAt: expect.stringMatching(ISO), sender: { id: a.userId, email: a.email } });
    const events = (await eventsOf(roomId)).filter((e) => e.type === 'office.room.message_sent');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ aggregate_type: 'Room', tenant_id: a.tenantId, actor_id: a.userId });
    expect(events[0].payload.data).toEqual({ roomId, message: { id: msg.id, roomId, senderId: a.userId, body: 'Hello all', sentAt: msg.sentAt } });
    expect(events[0].payload.audit).toMatchObject({ action: 'message', resourceType: 'Room', resourceId: roomId, changes: { messages: { from: null, to: msg.id } } });
  });

  it('someone not present (never joined, or left) is FORBIDDEN; bad bodies are BAD_USER_INPUT; unknown rooms NOT_FOUND', async () => {
    await failsCleanly(a.tenantId, () => send(roomId, 'I never joined', otto.headers), 'FORBIDDEN');
    await ok(joinRoom(roomId, otto.headers), 'joinRoom');
    expect((await ok(send(roomId, 'Now I can', otto.headers), 'sendChatMessage')).sender).toEqual({ id: otto.userId, email: otto.email });
    await ok(leaveRoom(roomId, otto.headers), 'leaveRoom');
    await failsCleanly(a.tenantId, () => send(roomId, 'After leaving', otto.headers), 'FORBIDDEN');
    await failsCleanly(a.tenantId, () => send(roomId, '   '), 'BAD_USER_INPUT', 'body');
    await failsCleanly(a.tenantId, () => send(roomId, 'x'.repeat(10_001)), 'BAD_USER_INPUT', 'body');
    await failsCleanly(a.tenantId, () => send(NOBODY, 'Lost'), 'NOT_FOUND', 'roomId');
    await failsCleanly(a.tenantId, () => send(roomId, 'Viewer', rita.headers), 'FORBIDDEN');
  });
});

describe('Room', () => {
  let roomId: string;
  let bytesKey: string;
  beforeAll(async () => {
    roomId = (await ok(createRoom('Review'), 'createRoom')).id;
    await ok(joinRoom(roomId), 'joinRoom');
    await ok(joinRoom(roomId, ed.headers), 'joinRoom');
    for (let n = 1; n <= 55; n += 1) await ok(send(roomId, `m${n}`, n % 2 ? a.headers : ed.headers), 'sendChatMessage');
    await ok(leaveRoom(roomId, ed.headers), 'leaveRoom');
    // A recording's media in the object store: uploaded through the drive's presigned PUT.
    const ticket = await ok(run('RequestUpload', { input: { name: 'rec.webm', contentType: 'video/webm', size: 10 } }), 'requestUpload');
    expect((await fetch(ticket.uploadUrl, { method: 'PUT', body: 'recording!', headers: { 'content-type': 'video/webm' } })).status).toBe(200);
    bytesKey = (await db.query('SELECT storage_key FROM office.files WHERE id = $1', [ticket.file.id])).rows[0].storage_key;
    await db.query(
      `INSERT INTO office.recordings (tenant_id, room_id, started_by, status, started_at, ended_at, duration_seconds, storage_key, content_type, size)
       VALUES ($1, $2, $3, 'ready', now() - interval '2 minutes', now() - interval '1 minute', 60, $4, 'video/webm', 10),
              ($1, $2, $3, 'recording', now(), NULL, NULL, NULL, NULL, NULL)`,
      [a.tenantId, roomId, a.userId, bytesKey],
    );
  });

  it('reads participants, the newest 50 messages newest last, and recordings with a presigned download (Room)', async () => {
    const room = await ok(readRoom(roomId), 'room');
    expect(room.id).toBe(roomId);
    expect(room.name).toBe('Review');
    expect(room.participants).toEqual([
      { user: { email: a.email }, joinedAt: expect.stringMatching(ISO), leftAt: null },
      { user: { email: ed.email }, joinedAt: expect.stringMatching(ISO), leftAt: expect.stringMatching(ISO) },
    ]);
    expect(room.messages.edges.map((e: any) => e.node.body)).toEqual([...Array(50).keys()].map((n) => `m${n + 6}`));
    expect(room.messages.edges[49].node).toEqual({ id: expect.any(String), body: 'm55', sentAt: expect.stringMatching(ISO), sender: { email: a.email } });
    expect(room.messages.edges[48].node.sender).toEqual({ email: ed.email });
    expect(room.recordings).toEqual([
      { id: expect.any(String), status: 'READY', durationSeconds: 60, downloadUrl: expect.any(String) },
      { id: expect.any(String), status: 'RECORDING', durationSeconds: null, downloadUrl: null },
    ]);
    const download = new URL(room.recordings[0].downloadUrl);
    expect(download.origin).toBe(new URL(process.env.S3_ENDPOINT!).origin);
    expect(download.searchParams.get('X-Amz-Expires')).toBeTruthy();
    const got = await fetch(room.recordings[0].downloadUrl);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('recording!');
  });

  it('pages older messages with before, and validates last', async () => {
    const q = 'query($id: ID!, $last: Int, $before: String) { room(id: $id) { messages(last: $last, before: $before) { totalCount pageInfo { hasPreviousPage hasNextPage startCursor } edges { node { body } } } } }';
    const seen: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const conn: any = (await gql(url, q, { id: roomId, last: 20, before }, a.headers)).data!.room.messages;
      expect(conn.totalCount).toBe(55);
      expect(conn.pageInfo.hasNextPage).toBe(page > 0);
      seen.unshift(...conn.edges.map((e: any) => e.node.body));
      if (!conn.pageInfo.hasPreviousPage) break;
      before = conn.pageInfo.startCursor;
    }
    expect(seen).toEqual([...Array(55).keys()].map((n) => `m${n + 1}`));
    expect(codeOf(await gql(url, q, { id: roomId, last: 101 }, a.headers))).toBe('BAD_USER_INPUT');
    expect(codeOf(await gql(url, q, { id: roomId, before: 'garbage' }, a.headers))).toBe('BAD_USER_INPUT');
  });

  it('every office:read user of the tenant sees the room; unknown and malformed ids are null', async () => {
    expect((await ok(readRoom(roomId, rita.headers), 'room')).participants).toHaveLength(2);
    expect((await ok(readRoom(roomId, otto.headers), 'room')).messages.edges).toHaveLength(50);
    expect(await ok(readRoom(NOBODY), 'room')).toBeNull();
    expect(await ok(readRoom('nope'), 'room')).toBeNull();
    expect(codeOf(await readRoom(roomId, {}))).toBe('UNAUTHENTICATED');
  });

  it('batches rooms, participants and messages: as many SQL statements for four rooms as for two', async () => {
    const others: string[] = [];
    for (const n of [1, 2, 3]) {
      const id = (await ok(createRoom(`Other ${n}`), 'createRoom')).id;
      await ok(joinRoom(id), 'joinRoom');
      await ok(send(id, `only ${n}`), 'sendChatMessage');
      others.push(id);
    }
    const sel = 'participants { user { id } } messages(last: 3) { edges { node { body } } }';
    const query = (ids: string[]) => `query { ${ids.map((id, i) => `r${i}: room(id: "${id}") { ${sel} }`).join(' ')} }`;
    const measure = async (ids: string[]) => {
      const before = totalSqlStatements();
      const res = await gql(url, query(ids), {}, a.headers);
      expect(res.errors).toBeUndefined();
      return { res, statements: totalSqlStatements() - before };
    };
    await measure([roomId, others[0]]); // warm-up
    const two = await measure([roomId, others[0]]);
    const four = await measure([roomId, ...others]);
    expect(four.statements).toBe(two.statements);
    expect(four.res.data!.r0.messages.edges.map((e: any) => e.node.body)).toEqual(['m53', 'm54', 'm55']);
    expect(four.res.data!.r3).toEqual({ participants: [{ user: { id: a.userId } }], messages: { edges: [{ node: { body: 'only 3' } }] } });
  });
});

describe('room event queries', () => {
  it('resolve one event by id and list the events after one, of that room only (roomEvent, roomEventsAfter)', async () => {
    const roomId = (await ok(createRoom('History'), 'createRoom')).id;
    const otherId = (await ok(createRoom('Elsewhere'), 'createRoom')).id;
    await ok(joinRoom(roomId), 'joinRoom');
    await ok(joinRoom(otherId), 'joinRoom');
    const msg = await ok(send(roomId, 'recorded'), 'sendChatMessage');
    await ok(leaveRoom(roomId), 'leaveRoom');
    const [created, joined, sent, left] = await eventsOf(roomId);
    expect([created, joined, sent, left].map((e) => e.type)).toEqual(['office.room.created', 'office.room.participant_joined', 'office.room.message_sent', 'office.room.participant_left']);
    const one = 'query($e: ID!) { roomEvent(eventId: $e) { eventId type at actor { id } room { id name } participant { user { id email } leftAt } message { id body sender { id email } } } }';
    const ev = (await gql(url, one, { e: sent.id }, a.headers)).data!.roomEvent;
    expect(ev).toEqual({ eventId: sent.id, type: 'message_sent', at: expect.stringMatching(ISO), actor: { id: a.userId }, room: { id: roomId, name: 'History' }, participant: null, message: { id: msg.id, body: 'recorded', sender: { id: a.userId, email: a.email } } });
    expect((await gql(url, one, { e: created.id }, a.headers)).data!.roomEvent).toBeNull(); // not a roomEvents type
    expect((await gql(url, one, { e: NOBODY }, a.headers)).data!.roomEvent).toBeNull();
    const after = 'query($e: ID!, $n: Int) { roomEventsAfter(eventId: $e, first: $n) { eventId type participant { user { id } leftAt } } }';
    const list = (await gql(url, after, { e: joined.id }, a.headers)).data!.roomEventsAfter;
    expect(list).toEqual([
      { eventId: sent.id, type: 'message_sent', participant: null },
      { eventId: left.id, type: 'participant_left', participant: { user: { id: a.userId }, leftAt: expect.stringMatching(ISO) } },
    ]);
    expect((await gql(url, after, { e: joined.id, n: 1 }, a.headers)).data!.roomEventsAfter).toHaveLength(1);
    expect(codeOf(await gql(url, after, { e: joined.id, n: 501 }, a.headers))).toBe('BAD_USER_INPUT');
    expect(codeOf(await gql(url, after, { e: NOBODY }, a.headers))).toBe('BAD_USER_INPUT');
  });
});

describe('RoomEvents subscription', () => {
  it('delivers join, message and leave of one room in order with users from the platform; nothing of other rooms, failures or other tenants', async () => {
    const roomId = (await ok(createRoom('Live room'), 'createRoom')).id;
    const otherId = (await ok(createRoom('Quiet room'), 'createRoom')).id;
    const sub = track(await subscribe(url, a.accessToken, op('RoomEvents'), { roomId }, platform.gateway.hub));
    const viewer = track(await subscribe(url, rita.token, op('RoomEvents'), { roomId }, platform.gateway.hub));
    const outsider = track(await subscribe(url, b.accessToken, op('RoomEvents'), { roomId }, platform.gateway.hub));
    await ok(joinRoom(otherId, ed.headers), 'joinRoom'); // another room
    await ok(joinRoom(roomId, ed.headers), 'joinRoom');
    expect(codeOf(await joinRoom(roomId, ed.headers))).toBe('CONFLICT'); // no event
    expect(codeOf(await send(roomId, 'not joined', otto.headers))).toBe('FORBIDDEN'); // no event
    const msg = await ok(send(roomId, 'Hi live', ed.headers), 'sendChatMessage');
    await ok(leaveRoom(roomId, ed.headers), 'leaveRoom');
    await waitFor(() => sub.values.length >= 3, 'three room events');
    const who = { id: ed.userId, email: ed.email };
    expect(sub.values.map((v) => v.roomEvents)).toEqual([
      { type: 'participant_joined', at: expect.stringMatching(ISO), participant: { user: who }, message: null },
      { type: 'message_sent', at: expect.stringMatching(ISO), participant: null, message: { id: msg.id, body: 'Hi live', sender: who } },
      { type: 'participant_left', at: expect.stringMatching(ISO), participant: { user: who }, message: null },
    ]);
    await waitFor(() => viewer.values.length >= 3, 'the viewer\'s events');
    expect(viewer.values).toEqual(sub.values);
    // A marker: once it arrives, nothing else (the other room, the failures) can still come.
    await ok(joinRoom(roomId), 'joinRoom');
    await waitFor(() => sub.values.length === 4, 'the marker');
    expect(sub.values[3].roomEvents).toMatchObject({ type: 'participant_joined', participant: { user: { id: a.userId, email: a.email } } });
    expect(sub.errors).toEqual([]);
    // Tenant B subscribed to A's room id: B's own room id space never shows A's events.
    const bRoom = (await ok(createRoom('B room', b.headers), 'createRoom')).id;
    const bSub = track(await subscribe(url, b.accessToken, op('RoomEvents'), { roomId: bRoom }, platform.gateway.hub));
    await ok(joinRoom(bRoom, b.headers), 'joinRoom');
    await waitFor(() => bSub.values.length === 1, 'B\'s own event');
    expect(outsider.values).toEqual([]);
  });

  it('resumes after the last event seen without gap or duplicate', async () => {
    const roomId = (await ok(createRoom('Resume'), 'createRoom')).id;
    await ok(joinRoom(roomId), 'joinRoom');
    const firstId = (await eventsOf(roomId)).find((e) => e.type === 'office.room.participant_joined')!.id;
    await ok(send(roomId, 'missed 1'), 'sendChatMessage');
    await ok(send(roomId, 'missed 2'), 'sendChatMessage');
    const q = 'subscription($r: ID!, $after: ID) { roomEvents(roomId: $r, after: $after) { eventId type message { body } } }';
    const sub = track(await subscribe(url, a.accessToken, q, { r: roomId, after: firstId }, platform.gateway.hub));
    await ok(send(roomId, 'live'), 'sendChatMessage');
    await waitFor(() => sub.values.length >= 3, 'replayed and live events');
    expect(sub.values.map((v) => v.roomEvents.message.body)).toEqual(['missed 1', 'missed 2', 'live']);
    expect(new Set(sub.values.map((v) => v.roomEvents.eventId)).size).toBe(3);
  });
});

describe('audit trail and module gating', () => {
  it('puts successful meet mutations, and only those, into the platform audit trail', async () => {
    const t = await signUpTenant(url, 'Meet audit');
    const room = await ok(createRoom('Audited', t.headers), 'createRoom');
    await ok(joinRoom(room.id, t.headers), 'joinRoom');
    expect(codeOf(await joinRoom(room.id, t.headers))).toBe('CONFLICT');
    await ok(send(room.id, 'logged', t.headers), 'sendChatMessage');
    await ok(leaveRoom(room.id, t.headers), 'leaveRoom');
    const trail = await eventually(
      () => gql(url, contractOperation('platform', 'AuditTrail'), { filter: { resourceId: room.id } }, t.headers),
      (r) => r.data?.auditLogs?.totalCount === 4,
      'four room entries',
    );
    expect(trail.data!.auditLogs.edges.map((e: any) => e.node.action).sort()).toEqual(['create', 'join', 'leave', 'message']);
    expect((await eventsOf(room.id)).map((e) => e.type)).toEqual(['office.room.created', 'office.room.participant_joined', 'office.room.message_sent', 'office.room.participant_left']);
  });

  it('fails with FORBIDDEN naming the module when office is not enabled', async () => {
    const t = await signUpTenant(url, 'Meet gated');
    await ok(gql(url, contractOperation('platform', 'UpdateTenant'), { input: { enabledModules: ['crm', 'hr', 'identity'] } }, t.headers), 'updateTenant');
    const res = await createRoom('Gated', t.headers);
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(res.errors![0].message).toMatch(/office/);
    expect(codeOf(await readRoom(NOBODY, t.headers))).toBe('FORBIDDEN');
  });
});

describe('two-tenant isolation', () => {
  it('another tenant\'s room behaves as missing: reads, every mutation, event queries', async () => {
    const room = await ok(createRoom('Secret of A'), 'createRoom');
    await ok(joinRoom(room.id), 'joinRoom');
    await ok(send(room.id, 'secret'), 'sendChatMessage');
    expect(await ok(readRoom(room.id, b.headers), 'room')).toBeNull();
    await failsCleanly(b.tenantId, () => joinRoom(room.id, b.headers), 'NOT_FOUND', 'roomId');
    await failsCleanly(b.tenantId, () => leaveRoom(room.id, b.headers), 'NOT_FOUND', 'roomId');
    await failsCleanly(b.tenantId, () => send(room.id, 'hijack', b.headers), 'NOT_FOUND', 'roomId');
    const [, , sent] = await eventsOf(room.id);
    expect(sent.type).toBe('office.room.message_sent');
    expect((await gql(url, 'query($e: ID!) { roomEvent(eventId: $e) { eventId } }', { e: sent.id }, b.headers)).data!.roomEvent).toBeNull();
    expect(codeOf(await gql(url, 'query($e: ID!) { roomEventsAfter(eventId: $e) { eventId } }', { e: sent.id }, b.headers))).toBe('BAD_USER_INPUT');
    const rows = (await db.query('SELECT DISTINCT tenant_id FROM office.participants WHERE room_id = $1 UNION SELECT DISTINCT tenant_id FROM office.chat_messages WHERE room_id = $1', [room.id])).rows;
    expect(rows).toEqual([{ tenant_id: a.tenantId }]);
    // Nothing of B's own rooms leaks into A either.
    const bRoom = await ok(createRoom('Of B', b.headers), 'createRoom');
    expect(await ok(readRoom(bRoom.id), 'room')).toBeNull();
    await failsCleanly(a.tenantId, () => joinRoom(bRoom.id), 'NOT_FOUND', 'roomId');
  });
});

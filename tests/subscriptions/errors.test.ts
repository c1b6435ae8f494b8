// Errors a subscription delivers keep their contract code, spoken as raw graphql-transport-ws:
// resuming after another tenant's event id, an unknown one or a malformed one is a clean
// BAD_USER_INPUT on `after` (not `{"message":"e.toJSON is not a function"}`), that one operation
// completes, and the socket stays open for the next subscription.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import WebSocket from 'ws';
import { contractOperation as op, gql, ok, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { clientErrors } from '@bacbos/gateway';
import { waitFor, wsUrl } from './helpers';

let platform: RunningPlatform;
let a: TestTenant;
let b: TestTenant;
let db: Client;

beforeAll(async () => {
  platform = await startPlatform();
  a = await signUpTenant(platform.gatewayUrl, 'SubErrA');
  b = await signUpTenant(platform.gatewayUrl, 'SubErrB');
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
});
afterAll(async () => {
  await db.end();
  await platform.stop();
});

interface Conversation {
  socket: WebSocket;
  messages: any[];
  closed: boolean;
  send(message: unknown): void;
  /** The first message of this type for this operation id. */
  next(type: string, id: string): Promise<any>;
}

async function connect(token: string): Promise<Conversation> {
  const socket = new WebSocket(wsUrl(platform.gatewayUrl), 'graphql-transport-ws');
  const c: Conversation = {
    socket, messages: [], closed: false,
    send: (message) => socket.send(JSON.stringify(message)),
    next: async (type, id) => {
      await waitFor(() => c.messages.some((m) => m.type === type && m.id === id) || c.closed, `${type} for ${id}`);
      const found = c.messages.find((m) => m.type === type && m.id === id);
      if (!found) throw new Error(`socket closed before ${type} for ${id}: ${JSON.stringify(c.messages)}`);
      return found;
    },
  };
  socket.on('message', (data) => c.messages.push(JSON.parse(String(data))));
  let closeCode: number | undefined;
  socket.on('close', (code) => { c.closed = true; closeCode = code; });
  await new Promise<void>((resolve, reject) => { socket.once('open', () => resolve()); socket.once('error', reject); });
  c.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
  await waitFor(() => c.messages.some((m) => m.type === 'connection_ack') || c.closed, 'connection_ack');
  if (c.closed) throw new Error(`the gateway closed the socket (${closeCode}) instead of acknowledging it: ${JSON.stringify(c.messages)}`);
  return c;
}

const CONTACT_EVENTS = 'subscription ($after: ID) { contactEvents(after: $after) { type contact { id email } } }';

async function contactEventIdOf(tenant: TestTenant): Promise<string> {
  const email = `ev-${randomUUID().slice(0, 8)}@example.com`;
  const contact = await ok(gql(platform.gatewayUrl, op('crm', 'CreateContact'), { input: { firstName: 'Ev', lastName: 'Ent', email } }, tenant.headers), 'createContact');
  const { rows } = await db.query('SELECT id FROM crm.outbox WHERE aggregate_id = $1 ORDER BY seq LIMIT 1', [contact.id]);
  return rows[0].id as string;
}

async function refusedResume(c: Conversation, id: string, query: string, variables: Record<string, unknown>) {
  c.send({ id, type: 'subscribe', payload: { query, variables } });
  const next = await c.next('next', id);
  await c.next('complete', id);
  return next.payload.errors as { message: string; extensions?: Record<string, unknown> }[];
}

describe('resuming with a bad `after`', () => {
  it.each([
    ['another tenant\'s event id', async () => contactEventIdOf(b)],
    ['an unknown event id', async () => randomUUID()],
    ['a malformed event id', async () => 'not-an-event'],
  ])('%s: BAD_USER_INPUT on after, and the socket stays usable', async (_what, idOf) => {
    const after = await idOf();
    const c = await connect(a.accessToken);
    const errors = await refusedResume(c, 'resume', CONTACT_EVENTS, { after });
    expect(errors).toHaveLength(1);
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(errors[0].message).toMatch(/Unknown event id/);
    expect(JSON.stringify(errors)).not.toMatch(/toJSON|bacbos|Internal/);

    // Same socket, a new subscription: it is served.
    const registered = platform.gateway.hub!.registered;
    c.send({ id: 'live', type: 'subscribe', payload: { query: CONTACT_EVENTS } });
    await waitFor(() => platform.gateway.hub!.registered > registered, 'the second subscription');
    await contactEventIdOf(a);
    const live = await c.next('next', 'live');
    expect(live.payload.data.contactEvents.type).toBe('created');
    expect(c.closed).toBe(false);
    c.socket.close(1000);
  });

  it('resuming after an id of the caller\'s own tenant still replays', async () => {
    const first = await contactEventIdOf(a);
    await contactEventIdOf(a);
    const c = await connect(a.accessToken);
    c.send({ id: 'ok', type: 'subscribe', payload: { query: CONTACT_EVENTS, variables: { after: first } } });
    const replayed = await c.next('next', 'ok');
    expect(replayed.payload.errors).toBeUndefined();
    expect(replayed.payload.data.contactEvents.type).toBe('created');
    c.socket.close(1000);
  });

  it('every route keeps the code: platformEvents and roomEvents after an unknown id', async () => {
    const c = await connect(a.accessToken);
    const platformErrors = await refusedResume(c, 'p', 'subscription ($after: ID) { platformEvents(after: $after) { type } }', { after: randomUUID() });
    expect(platformErrors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const room = await ok(gql(platform.gatewayUrl, op('office', 'CreateRoom'), { name: 'Errors' }, a.headers), 'createRoom');
    const roomErrors = await refusedResume(c, 'r', 'subscription ($roomId: ID!, $after: ID) { roomEvents(roomId: $roomId, after: $after) { type } }', { roomId: room.id, after: randomUUID() });
    expect(roomErrors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(c.closed).toBe(false);
    c.socket.close(1000);
  });
});

describe('a subscribe that does not parse, validate or name its operation', () => {
  it('gets an `error` with the code HTTP would give (variables too), for that operation only; the socket stays usable', async () => {
    const c = await connect(a.accessToken);
    const refused = async (id: string, payload: Record<string, unknown>) => {
      c.send({ id, type: 'subscribe', payload });
      return (await c.next('error', id)).payload as { message: string; extensions?: Record<string, unknown> }[];
    };
    const registered = platform.gateway.hub!.registered;
    c.send({ id: 'live', type: 'subscribe', payload: { query: CONTACT_EVENTS } });
    await waitFor(() => platform.gateway.hub!.registered > registered, 'the first subscription');

    const syntax = await refused('syntax', { query: 'subscription { contactEvents { type ' });
    expect(syntax).toEqual([expect.objectContaining({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } })]);
    expect(syntax[0].message).toMatch(/Syntax Error/);
    const unknownField = await refused('field', { query: 'subscription { contactEvents { nope } }' });
    expect(unknownField[0]).toMatchObject({ message: expect.stringMatching(/Cannot query field "nope"/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    const unknownName = await refused('name', { query: CONTACT_EVENTS.replace('subscription', 'subscription Live'), operationName: 'Other' });
    expect(unknownName).toEqual([{ message: 'Unknown operation named "Other".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
    const twoUnnamed = await refused('two', { query: `${CONTACT_EVENTS} ${CONTACT_EVENTS}` });
    expect(twoUnnamed.every((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED')).toBe(true);
    // Variables are checked before anything is registered (they used to be dropped without a word).
    const wrongType = await refused('type', { query: CONTACT_EVENTS, variables: { after: { $gt: 1 } } });
    expect(wrongType[0]).toMatchObject({ message: expect.stringMatching(/\$after/), extensions: { code: 'BAD_USER_INPUT' } });
    // `after: 5` is the ID "5" (coerced as over HTTP): an unknown event id, not a silent fresh start.
    c.send({ id: 'five', type: 'subscribe', payload: { query: CONTACT_EVENTS, variables: { after: 5 } } });
    expect((await c.next('next', 'five')).payload.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    const missing = await refused('missing', { query: 'subscription ($roomId: ID!) { roomEvents(roomId: $roomId) { type } }' });
    expect(missing[0]).toMatchObject({ message: expect.stringMatching(/\$roomId.*was not provided/), extensions: { code: 'BAD_USER_INPUT' } });
    // The HTTP limits, with their own code and what was measured.
    const aliases = Array.from({ length: 31 }, (_, i) => `t${i}: type`).join(' ');
    const tooManyAliases = await refused('aliases', { query: `subscription { contactEvents { ${aliases} } }` });
    expect(tooManyAliases).toEqual([expect.objectContaining({ extensions: { code: 'QUERY_TOO_COMPLEX', aliases: 31, maxAliases: 30 } })]);
    const tooManyTokens = await refused('tokens', { query: `subscription { contactEvents { ${'type '.repeat(6_000)}} }` });
    expect(tooManyTokens).toEqual([expect.objectContaining({ extensions: { code: 'QUERY_TOO_COMPLEX', maxTokens: 5_000 } })]);

    // The first subscription still delivers, on the same socket.
    expect(c.closed).toBe(false);
    await contactEventIdOf(a);
    const live = await c.next('next', 'live');
    expect(live.payload.data.contactEvents.type).toBe('created');
    c.socket.close(1000);
  });
});

describe('errors of a payload query', () => {
  it('reach graphql-ws as GraphQLErrors with their code, rooted at the client\'s field', () => {
    const [error] = clientErrors([{ message: 'Contact not found', path: ['bacbosEvent', 'contact', 'email'], extensions: { code: 'NOT_FOUND' } }], 'ev');
    // graphql-ws sends `errors.map((e) => e.toJSON())`.
    expect(error.toJSON()).toEqual({ message: 'Contact not found', path: ['ev', 'contact', 'email'], extensions: { code: 'NOT_FOUND' } });
  });
});

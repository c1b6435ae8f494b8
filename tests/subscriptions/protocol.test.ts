// The graphql-transport-ws close codes, spoken as raw protocol messages against the gateway.
import WebSocket from 'ws';
import { contractOperation as op, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { wsUrl } from './helpers';

let platform: RunningPlatform;
let tenant: TestTenant;

beforeAll(async () => {
  process.env.WS_CONNECTION_INIT_TIMEOUT_MS = '500';
  platform = await startPlatform();
  tenant = await signUpTenant(platform.gatewayUrl, 'Protocol');
});
afterAll(() => platform.stop());

interface Conversation {
  socket: WebSocket;
  messages: any[];
  closed: Promise<{ code: number; reason: string }>;
  next(type: string): Promise<any>;
  send(message: unknown): void;
}

async function connect(protocol = 'graphql-transport-ws'): Promise<Conversation> {
  const socket = new WebSocket(wsUrl(platform.gatewayUrl), protocol);
  const messages: any[] = [];
  const waiters: { type: string; resolve: (m: any) => void }[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    messages.push(message);
    const i = waiters.findIndex((w) => w.type === message.type);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => { socket.once('open', () => resolve()); socket.once('error', reject); });
  return {
    socket, messages, closed,
    next: (type) => {
      const seen = messages.find((m) => m.type === type);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ type, resolve }));
    },
    send: (message) => socket.send(JSON.stringify(message)),
  };
}

const init = (c: Conversation, token = tenant.accessToken) => c.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });

it('acknowledges a valid credential and answers ping with pong', async () => {
  const c = await connect();
  init(c);
  await c.next('connection_ack');
  c.send({ type: 'ping' });
  await c.next('pong');
  c.socket.close(1000);
});

it('4400: an invalid message', async () => {
  const c = await connect();
  c.send({ type: 'no-such-type' });
  expect((await c.closed).code).toBe(4400);
});

it('4401: subscribing before the connection is acknowledged', async () => {
  const c = await connect();
  c.send({ id: '1', type: 'subscribe', payload: { query: op('crm', 'ContactEvents') } });
  expect((await c.closed).code).toBe(4401);
});

it('4403: a bad credential in connectionParams, and none at all', async () => {
  const bad = await connect();
  init(bad, 'not-a-token');
  expect((await bad.closed).code).toBe(4403);
  const none = await connect();
  none.send({ type: 'connection_init', payload: {} });
  expect((await none.closed).code).toBe(4403);
});

it('4408: no connection_init in time', async () => {
  const c = await connect();
  expect((await c.closed).code).toBe(4408);
});

it('4409: a subscription id used twice', async () => {
  const c = await connect();
  init(c);
  await c.next('connection_ack');
  c.send({ id: 'same', type: 'subscribe', payload: { query: op('crm', 'ContactEvents') } });
  c.send({ id: 'same', type: 'subscribe', payload: { query: op('crm', 'ContactEvents') } });
  expect((await c.closed).code).toBe(4409);
});

it('4429: a second connection_init', async () => {
  const c = await connect();
  init(c);
  init(c);
  expect((await c.closed).code).toBe(4429);
});

it('refuses queries over the socket and unknown subscriptions with an error message, not a close', async () => {
  const c = await connect();
  init(c);
  await c.next('connection_ack');
  c.send({ id: 'q', type: 'subscribe', payload: { query: '{ __typename }' } });
  const refused = await c.next('next');
  expect(refused.id).toBe('q');
  expect(refused.payload.errors[0].message).toMatch(/Only subscriptions/);
  expect((await c.next('complete')).id).toBe('q');
  c.send({ id: 'v', type: 'subscribe', payload: { query: 'subscription { nope }' } });
  const invalid = await new Promise<any>((resolve) => {
    const check = () => {
      const m = c.messages.find((x) => x.type === 'error' && x.id === 'v');
      if (m) resolve(m);
      else setTimeout(check, 10);
    };
    check();
  });
  expect(invalid.payload[0].message).toMatch(/Cannot query field "nope"/);
  c.socket.close(1000);
});

// WebSocket limits on the raw graphql-transport-ws protocol: message size (1009), subscriptions
// per socket (4429), sockets per tenant by plan (4429), keep-alive (a silent peer is dropped), and
// the same query limits as over HTTP.
import WebSocket from 'ws';
import { contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { wsUrl } from './helpers';

// Defaults for the message size (64 KiB) and subscriptions per socket (25); a short keep-alive;
// a twelfth of the plans' budgets, so a starter tenant may hold 2 sockets (25 / 12.5).
process.env.WS_KEEPALIVE_MS = '300';
process.env.TENANT_BUDGET_SCALE = '0.08';
delete process.env.WS_MAX_MESSAGE_BYTES;
delete process.env.WS_MAX_SUBSCRIPTIONS_PER_SOCKET;

let platform: RunningPlatform;

beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

interface Conversation {
  socket: WebSocket;
  messages: any[];
  closed: Promise<{ code: number; reason: string }>;
  next(type: string, id?: string): Promise<any>;
  send(message: unknown): void;
}

async function connect(tenant: TestTenant, options: WebSocket.ClientOptions = {}, acknowledged = true): Promise<Conversation> {
  const socket = new WebSocket(wsUrl(platform.gatewayUrl), 'graphql-transport-ws', options);
  const messages: any[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => { socket.once('open', () => resolve()); socket.once('error', reject); });
  const c: Conversation = {
    socket, messages, closed,
    next: async (type, id) => {
      for (;;) {
        const found = messages.find((m) => m.type === type && (id === undefined || m.id === id));
        if (found) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    send: (message) => socket.send(JSON.stringify(message)),
  };
  c.send({ type: 'connection_init', payload: { authorization: `Bearer ${tenant.accessToken}` } });
  if (acknowledged) await c.next('connection_ack');
  return c;
}

it('1009: a message over 64 KiB closes the socket', async () => {
  const t = await signUpTenant(platform.gatewayUrl, 'WS size');
  const c = await connect(t);
  c.send({ id: 'big', type: 'subscribe', payload: { query: op('crm', 'ContactEvents'), variables: { pad: 'x'.repeat(65 * 1024) } } });
  expect((await c.closed).code).toBe(1009);
  // A message under the limit is fine.
  const ok = await connect(t);
  ok.send({ id: 'fits', type: 'subscribe', payload: { query: op('crm', 'ContactEvents'), variables: { pad: 'x'.repeat(60 * 1024) } } });
  ok.send({ type: 'ping' });
  await ok.next('pong');
  ok.socket.close(1000);
});

it('4429: the 26th subscription on one socket closes it', async () => {
  const t = await signUpTenant(platform.gatewayUrl, 'WS subscriptions');
  const c = await connect(t);
  for (let n = 1; n <= 25; n += 1) c.send({ id: `s${n}`, type: 'subscribe', payload: { query: op('crm', 'ContactEvents') } });
  c.send({ type: 'ping' });
  await c.next('pong');
  expect(c.socket.readyState).toBe(WebSocket.OPEN);
  c.send({ id: 's26', type: 'subscribe', payload: { query: op('crm', 'ContactEvents') } });
  const closed = await c.closed;
  expect(closed).toEqual({ code: 4429, reason: 'Too many subscriptions on this socket (max 25)' });
});

it('4429: a tenant holds as many sockets as its plan allows (maxWebSockets in tenant.limits)', async () => {
  const t = await signUpTenant(platform.gatewayUrl, 'WS sockets');
  const limits = (await gql(platform.gatewayUrl, op('platform', 'CurrentTenant'), {}, t.headers)).data!.tenant.limits;
  expect(limits.maxWebSockets).toBe(2);
  const first = await connect(t);
  const second = await connect(t);
  const third = await connect(t, {}, false);
  expect(await third.closed).toEqual({ code: 4429, reason: 'Too many WebSockets for this tenant (max 2)' });
  // Another tenant is not affected; a closed socket frees its place.
  const other = await connect(await signUpTenant(platform.gatewayUrl, 'WS neighbour'));
  other.socket.close(1000);
  first.socket.close(1000);
  await first.closed;
  const again = await connect(t);
  again.socket.close(1000);
  second.socket.close(1000);
});

it('drops a socket that stops answering pings, keeps one that answers', async () => {
  const t = await signUpTenant(platform.gatewayUrl, 'WS keep-alive');
  const silent = await connect(t, { autoPong: false });
  const alive = await connect(t);
  const started = Date.now();
  expect((await silent.closed).code).toBe(1006);
  expect(Date.now() - started).toBeLessThan(3_000);
  await new Promise((r) => setTimeout(r, 700));
  expect(alive.socket.readyState).toBe(WebSocket.OPEN);
  alive.socket.close(1000);
});

it('applies the query limits to subscriptions: 31 aliases is QUERY_TOO_COMPLEX', async () => {
  const t = await signUpTenant(platform.gatewayUrl, 'WS limits');
  const c = await connect(t);
  const aliases = [...Array(31).keys()].map((i) => `a${i}: type`).join(' ');
  c.send({ id: 'wide', type: 'subscribe', payload: { query: `subscription { contactEvents { ${aliases} } }` } });
  const error = await c.next('error', 'wide');
  expect(error.payload[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', aliases: 31, maxAliases: 30 });
  c.socket.close(1000);
});

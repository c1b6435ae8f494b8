// Processes killed under load (README, "Faults"), in the production topology (every process on its
// own from dist/, two gateways; the shared Kafka, Redis and S3, a database of this run's own):
// - the crm subgraph is SIGKILLed while clients query both crm and platform: crm's fields fail with
//   the contract's INTERNAL_SERVER_ERROR marked `unavailable`, platform's keep answering, and crm's
//   answer again once it is started again, without touching the gateways;
// - a gateway is SIGKILLed under a live subscriber: the subscriber reconnects to the other gateway
//   with `after:` its last event id and receives every event exactly once, in order;
// - a gateway or a subgraph that does not run for 6 s (SIGSTOP: what a starved machine or a long
//   pause does to it) answers the requests that reached it meanwhile on its keep-alive connections:
//   with Node's default 5 s keep-alive it closed them on resuming, before reading them (the soak's
//   UND_ERR_SOCKET clusters outside fault windows; packages/common/src/http-server.ts).
import { randomUUID } from 'node:crypto';
import { subscribe as subscribeChannel, unsubscribe as unsubscribeChannel } from 'node:diagnostics_channel';
import { Agent, request } from 'undici';
import { down, instances, restart, runningPid, up, type TopologyOptions } from '../../scripts/topology';
import { contractOperation as op, gql, signUpTenant, type GraphQLResponse, type TestTenant } from '../helpers/graphql';
import { STACK_LINE } from '../helpers/process';
import { testTopology, type TestTopology } from '../helpers/topology';
import { subscribe, waitFor, type Collected } from '../subscriptions/helpers';

jest.setTimeout(120_000);

let topology: TestTopology;
let options: TopologyOptions;
let gatewayA: string;
let gatewayB: string;
let tenant: TestTenant;

const instance = (id: string) => instances(options.basePort).find((i) => i.id === id)!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  topology = await testTopology('faults', 47_000);
  options = topology.options;
  [gatewayA, gatewayB] = (await up(options)).gatewayUrls;
  tenant = await signUpTenant(gatewayA, 'Faults');
}, 300_000);

afterAll(async () => {
  await down(options);
  await topology.drop();
}, 60_000);

interface Sample { subgraph: 'crm' | 'platform'; startedAt: number; endedAt: number; response: GraphQLResponse }

test("the crm subgraph killed under load: only crm's fields fail, cleanly; they answer again when crm is back, the gateways untouched", async () => {
  const gatewayPids = ['gateway', 'gateway-2'].map((id) => runningPid(options.dir, instance(id)));
  const samples: Sample[] = [];
  let running = true;
  const worker = async (n: number) => {
    for (let i = 0; running; i += 1) {
      const subgraph = (n + i) % 2 === 0 ? 'crm' : 'platform';
      const startedAt = Date.now();
      const response = await gql(n % 2 ? gatewayB : gatewayA, subgraph === 'crm' ? '{ contacts(first: 1) { totalCount } }' : '{ me { email } }', {}, tenant.headers);
      samples.push({ subgraph, startedAt, endedAt: Date.now(), response });
    }
  };
  const workers = [0, 1, 2, 3].map(worker);
  await sleep(1_000);
  const killedAt = Date.now();
  process.kill(runningPid(options.dir, instance('crm'))!, 'SIGKILL');
  await sleep(3_000);
  const restartAt = Date.now();
  await restart(options, 'crm');
  const readyAt = Date.now();
  const crmBack = () => samples.find((s) => s.subgraph === 'crm' && s.startedAt >= restartAt && !s.response.errors)?.endedAt;
  while (!crmBack() || Date.now() - crmBack()! < 2_000) {
    if (Date.now() - readyAt > 30_000) throw new Error('crm fields did not answer again within 30 s of crm being ready');
    await sleep(50);
  }
  running = false;
  await Promise.all(workers);

  for (const s of samples) expect(JSON.stringify(s.response)).not.toMatch(STACK_LINE);
  const failed = samples.filter((s) => s.response.errors);
  expect(failed.filter((s) => s.subgraph === 'platform')).toEqual([]); // platform's fields never failed
  expect(failed.length).toBeGreaterThan(0);
  for (const s of failed) {
    expect(s.response.errors!.map((e) => e.extensions)).toEqual(s.response.errors!.map(() => expect.objectContaining({ code: 'INTERNAL_SERVER_ERROR', unavailable: true })));
  }
  const recoveredAt = crmBack()!;
  expect(failed.filter((s) => s.endedAt < killedAt || s.startedAt > recoveredAt)).toEqual([]);
  // Recovered by themselves: the same gateway processes throughout.
  expect(['gateway', 'gateway-2'].map((id) => runningPid(options.dir, instance(id)))).toEqual(gatewayPids);
  const lastFailure = Math.max(...failed.map((s) => s.endedAt));
  process.stdout.write(
    `faults/subgraph: ${samples.length} requests, ${failed.length} crm requests failed ('unavailable'), 0 platform; crm down ${restartAt - killedAt} ms, ` +
    `ready ${readyAt - restartAt} ms after its start, crm fields answered again ${recoveredAt - readyAt} ms after it was ready (last failure ${lastFailure - readyAt} ms)\n`,
  );
});

test('a gateway killed under a live subscriber: it resumes on the other gateway with after:, no gap, no duplicate, in order', async () => {
  const query = 'subscription($after: ID) { contactEvents(after: $after) { eventId type contact { email } } }';
  type Event = { contactEvents: { eventId: string; type: string; contact: { email: string } } };
  const received: Event['contactEvents'][] = [];
  const track = (sub: Collected<Event>) => {
    const seen = sub.values.length;
    return () => sub.values.slice(seen).map((v) => v.contactEvents);
  };
  let sub = await subscribe<Event>(gatewayA, tenant.accessToken, query, {});
  let take = track(sub);
  const prefix = randomUUID().slice(0, 8);
  const emails: string[] = [];
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing; i += 1) {
      const email = `${prefix}-${i}@gateway-kill.example`;
      const res = await gql(gatewayB, op('crm', 'CreateContact'), { input: { firstName: 'Live', lastName: `${i}`, email } }, tenant.headers);
      if (!res.errors) emails.push(email);
      await sleep(50);
    }
  })();
  await waitFor(() => take().length >= 5, 'events on the first gateway', 30_000);

  const killedAt = Date.now();
  process.kill(runningPid(options.dir, instance('gateway'))!, 'SIGKILL');
  await waitFor(() => sub.closeCode !== undefined, 'the socket to drop', 10_000);
  received.push(...take());
  const lastSeen = received[received.length - 1].eventId;
  // The client's reconnect: the other gateway, from its last event.
  sub = await subscribe<Event>(gatewayB, tenant.accessToken, query, { after: lastSeen });
  take = track(sub);
  const resumedAt = Date.now();
  await sleep(2_000);
  writing = false;
  await writer;
  await waitFor(() => take().some((e) => e.contact.email === emails[emails.length - 1]), 'the last event on the other gateway', 30_000);
  received.push(...take());
  await sub.dispose();
  await restart(options, 'gateway'); // for the tests that follow

  const mine = received.filter((e) => e.contact.email.startsWith(prefix));
  expect(new Set(mine.map((e) => e.eventId)).size).toBe(mine.length); // no duplicate
  expect(mine.map((e) => e.contact.email)).toEqual(emails.slice(emails.indexOf(mine[0].contact.email))); // no gap, in order
  expect(mine.every((e) => e.type === 'created')).toBe(true);
  process.stdout.write(`faults/gateway: ${mine.length} events, ${received.length - mine.length} others; socket dropped and resumed on the other gateway ${resumedAt - killedAt} ms after the kill; 0 lost, 0 duplicated\n`);
});

test('a gateway or a subgraph that stalls past 5 s answers the requests that reached it meanwhile, on the same keep-alive connection', async () => {
  const port = Number(new URL(gatewayA).port);
  let connections = 0;
  const onConnected = (message: unknown) => {
    if (Number((message as { connectParams: { port: string | number } }).connectParams.port) === port) connections += 1;
  };
  subscribeChannel('undici:client:connected', onConnected);
  // A client that keeps its connection idle up to 20 s (a load balancer keeps it 60 s).
  const agent = new Agent({ connections: 1, keepAliveTimeout: 20_000, keepAliveMaxTimeout: 20_000 });
  const ask = async (): Promise<{ status?: number; errors?: unknown; totalCount?: number; failed?: string }> => {
    try {
      const res = await request(gatewayA, {
        method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', ...tenant.headers },
        body: JSON.stringify({ query: '{ contacts(first: 1) { totalCount } }' }),
      });
      const body = (await res.body.json()) as { data?: { contacts?: { totalCount: number } }; errors?: unknown };
      return { status: res.statusCode, errors: body.errors, totalCount: body.data?.contacts?.totalCount };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      return { failed: `${(error as { code?: string }).code ?? ''} ${(error as Error).message} ${cause?.code ?? ''}` };
    }
  };
  const answered = { status: 200, errors: undefined, totalCount: expect.any(Number) };
  try {
    expect(await ask()).toEqual(answered);
    // Idle past Node's default keep-alive: the gateway still holds the connection.
    await sleep(6_000);
    expect(await ask()).toEqual(answered);
    expect(connections).toBe(1);

    const answers: { process: string; answer: Awaited<ReturnType<typeof ask>> }[] = [];
    for (const id of ['gateway', 'crm', 'gateway', 'crm']) {
      await sleep(300); // back in its event loop, its connections idle
      const pid = runningPid(options.dir, instance(id))!;
      process.kill(pid, 'SIGSTOP');
      let pending: ReturnType<typeof ask>;
      try {
        // Written on the idle keep-alive connections (client → gateway, gateway → crm) while the process is stopped.
        pending = ask();
        await sleep(6_000);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      answers.push({ process: id, answer: await pending });
    }
    expect(answers).toEqual(['gateway', 'crm', 'gateway', 'crm'].map((id) => ({ process: id, answer: answered })));
    expect(connections).toBe(1); // none closed under a request
    process.stdout.write(`faults/stall: 4 stalls of 6 s (gateway, crm, twice each): every request sent meanwhile answered on the same connection\n`);
  } finally {
    unsubscribeChannel('undici:client:connected', onConnected);
    await agent.close();
  }
});

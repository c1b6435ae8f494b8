// /health/live and /health/ready. A gateway and the platform subgraph use a PRIVATE redis-server
// (the shared one serves other test runs): ready is 200 while it runs, 503 naming redis once it
// is stopped, and 200 again once it is back on the same port, without restarting anything.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { KafkaEventBus, RedisKeyValueStore, startSubgraph, type RunningSubgraph } from '@bacbos/common';
import { platformSubgraph } from '@bacbos/platform';
import { createPlatformDb } from '@bacbos/platform';
import { startGateway, type RunningGateway } from '@bacbos/gateway';
import { composeSupergraph } from '../../scripts/compose';
import { eventually } from '../helpers/graphql';
import { baseOf } from './scrape';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A throwaway redis-server on loopback: no persistence, no config file. */
async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    redis.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    redis.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  redis.stdout!.resume();
  return redis;
}

async function stopRedis(redis: ChildProcess): Promise<void> {
  if (redis.exitCode !== null) return;
  redis.kill('SIGTERM');
  await once(redis, 'exit');
}

const ready = async (base: string) => {
  const res = await fetch(`${base}/health/ready`);
  return { status: res.status, body: (await res.json()) as { status: string; failing?: string[]; checks: Record<string, string> } };
};

const kafkaBrokers = process.env.KAFKA_BROKERS?.split(',') ?? [];
let redisPort: number;
let redis: ChildProcess;
let kv: RedisKeyValueStore;
let platformKv: RedisKeyValueStore;
let bus: KafkaEventBus | undefined;
let gateway: RunningGateway;
let platform: RunningSubgraph;

beforeAll(async () => {
  redisPort = await freePort();
  redis = await startRedis(redisPort);
  kv = new RedisKeyValueStore(`redis://127.0.0.1:${redisPort}`, 'health-test:');
  platformKv = new RedisKeyValueStore(`redis://127.0.0.1:${redisPort}`, 'health-test:');
  bus = kafkaBrokers.length ? new KafkaEventBus({ brokers: kafkaBrokers, clientId: 'health-test' }) : undefined;
  platform = await startSubgraph(platformSubgraph(createPlatformDb(), platformKv), { port: 0 });
  gateway = await startGateway({
    supergraphSdl: composeSupergraph().supergraph,
    subgraphUrls: { platform: platform.url },
    internalContextSecret: process.env.INTERNAL_CONTEXT_SECRET!,
    accessTokenSecret: process.env.ACCESS_TOKEN_SECRET!,
    port: 0,
    kv,
    bus,
  });
});
afterAll(async () => {
  await gateway?.stop();
  await platform?.stop();
  await kv?.close();
  await bus?.close();
  if (redis) await stopRedis(redis);
});

it('answers live, and ready with the dependencies it uses', async () => {
  const base = baseOf(gateway.url);
  const live = await fetch(`${base}/health/live`);
  expect(live.status).toBe(200);
  expect(await live.json()).toEqual({ status: 'ok' });
  // The old endpoint is unchanged.
  expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });

  expect(await ready(base)).toEqual({
    status: 200,
    body: { status: 'ready', checks: { supergraph: 'ok', redis: 'ok', ...(bus ? { kafka: 'ok' } : {}) } },
  });
  expect(await ready(baseOf(platform.url))).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok', redis: 'ok' } } });
  expect((await fetch(`${baseOf(platform.url)}/health`)).status).toBe(200);
});

it('turns 503 naming redis while redis is down, and 200 once it is back, without a restart', async () => {
  const bases = [baseOf(gateway.url), baseOf(platform.url)];
  await stopRedis(redis);
  const stoppedAt = Date.now();
  for (const base of bases) {
    const down = await eventually(() => ready(base), (r) => r.status === 503, 'ready to fail');
    expect(down.body.status).toBe('unavailable');
    expect(down.body.failing).toEqual(['redis']);
    expect(down.body.checks.redis).not.toBe('ok');
    // Liveness does not depend on Redis: restarting the process would not help.
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  }
  const downIn = Date.now() - stoppedAt;

  redis = await startRedis(redisPort);
  const restartedAt = Date.now();
  for (const base of bases) {
    const up = await eventually(() => ready(base), (r) => r.status === 200, 'ready to recover', 20_000);
    expect(up.body.failing).toBeUndefined();
    expect(up.body.checks.redis).toBe('ok');
  }
  console.log(`readiness: 503 on gateway and platform ${downIn} ms after redis stopped; 200 again ${Date.now() - restartedAt} ms after it restarted`);
});

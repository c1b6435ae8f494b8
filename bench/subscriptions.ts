// Benchmark (run on demand, not a test): commit-to-client latency of live subscriptions and events
// delivered per second, through the real gateway, relay and bus (Kafka when KAFKA_BROKERS is set,
// e.g. `eval "$(bash scripts/services.sh env)"; npm run bench:subscriptions`).
//   scenario 1: one subscriber, sequential mutations;
//   scenario 2: 1,000 subscribers spread over 50 tenants (20 each), writers on every tenant.
// "Commit" is taken as the moment the mutation's HTTP response arrives (the transaction committed
// before the response was sent), so the latencies are slight overestimates.
import { createClient, type Client } from 'graphql-ws';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import WebSocket from 'ws';
import { bootPlatform } from '../scripts/platform';
import { contractOperation as op, gql, signUpTenant, type TestTenant } from '../tests/helpers/graphql';

process.env.INTERNAL_CONTEXT_SECRET ??= randomBytes(32).toString('hex');
process.env.ACCESS_TOKEN_SECRET ??= randomBytes(32).toString('hex');
process.env.LOG_LEVEL ??= 'silent';
process.env.APP_DB_PASSWORD ??= 'bacbos-test-app-role';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const summary = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(1)} ms, p99 ${percentile(s, 99).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (n=${s.length})`;
};

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL (eval "$(bash scripts/services.sh env)")');
  const platform = await bootPlatform({
    ephemeralPorts: true,
    internalContextSecret: process.env.INTERNAL_CONTEXT_SECRET!,
    accessTokenSecret: process.env.ACCESS_TOKEN_SECRET!,
  });
  const url = platform.gatewayUrl;
  const ws = url.replace(/^http/, 'ws');
  console.log(`bus: ${platform.bus.kind}; machine: ${cpus().length} cores`);

  const clients: Client[] = [];
  const arrivals = new Map<string, number[]>(); // email -> arrival times
  async function subscriber(tenant: TestTenant): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const client = createClient({ url: ws, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${tenant.accessToken}` }, lazy: false, retryAttempts: 0, on: { connected: () => resolve(), error: reject } });
      clients.push(client);
      client.subscribe<any>({ query: op('crm', 'ContactEvents') }, {
        next: (v) => {
          const email = v.data?.contactEvents?.contact?.email;
          if (email) arrivals.set(email, [...(arrivals.get(email) ?? []), performance.now()]);
        },
        error: () => undefined,
        complete: () => undefined,
      });
    });
  }
  async function mutate(tenant: TestTenant, email: string): Promise<number> {
    const res = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'B', lastName: 'M', email } }, tenant.headers);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return performance.now();
  }
  async function waitArrivals(emails: string[], each: number): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (!emails.every((e) => (arrivals.get(e)?.length ?? 0) >= each)) {
      if (Date.now() > deadline) throw new Error('deliveries missing');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  // Scenario 1: one subscriber.
  const solo = await signUpTenant(url, 'Bench solo');
  await subscriber(solo);
  await new Promise((r) => setTimeout(r, 300)); // let the subscription register before measuring
  for (let i = 0; i < 20; i += 1) await mutate(solo, `warm${i}@solo.bench`); // warm-up
  await waitArrivals([...Array(20).keys()].map((i) => `warm${i}@solo.bench`), 1);
  const single: number[] = [];
  for (let i = 0; i < 200; i += 1) {
    const email = `s${i}@solo.bench`;
    const committed = await mutate(solo, email);
    await waitArrivals([email], 1);
    single.push(arrivals.get(email)![0] - committed);
  }
  console.log(`1 subscriber, 200 sequential mutations: ${summary(single)}`);
  clients.splice(0).forEach((c) => void c.dispose());

  // Scenario 2: 1,000 subscribers over 50 tenants.
  const tenants: TestTenant[] = [];
  for (let t = 0; t < 50; t += 1) tenants.push(await signUpTenant(url, `Bench ${t}`));
  const startedSubscribing = performance.now();
  for (const tenant of tenants) await Promise.all([...Array(20).keys()].map(() => subscriber(tenant)));
  console.log(`1,000 subscribers connected in ${((performance.now() - startedSubscribing) / 1000).toFixed(1)} s`);
  await new Promise((r) => setTimeout(r, 1_000));
  const rounds = 10;
  const committedAt = new Map<string, number>();
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) {
    await Promise.all(tenants.map(async (tenant, t) => {
      const email = `r${round}t${t}@fan.bench`;
      committedAt.set(email, await mutate(tenant, email));
    }));
  }
  const emails = [...committedAt.keys()];
  await waitArrivals(emails, 20);
  const elapsed = (performance.now() - started) / 1000;
  const fanout = emails.flatMap((e) => arrivals.get(e)!.map((t) => t - committedAt.get(e)!));
  console.log(`1,000 subscribers / 50 tenants, ${emails.length} mutations (50 concurrent writers): ${summary(fanout)}`);
  console.log(`delivered ${fanout.length} events in ${elapsed.toFixed(2)} s = ${Math.round(fanout.length / elapsed)} events/s; ` +
    `federated payload executions: ${platform.gateway.hub!.executions} (one per event and selection)`);

  clients.forEach((c) => void c.dispose());
  await platform.stop();
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// The relay survives a broker restart without losing an event: mutations committed while Kafka is
// down stay in the outbox, and are published (in order) once it is back.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { topicFor, type EventEnvelope } from '@bacbos/common';
import { contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

const services = (...args: string[]) => execFileSync('bash', [join(__dirname, '../../scripts/services.sh'), ...args], { stdio: 'pipe' });
const kafka = process.env.KAFKA_BROKERS ? describe : describe.skip;

kafka('outbox relay across a Kafka restart', () => {
  let platform: RunningPlatform;
  let tenant: TestTenant;
  const received: EventEnvelope[] = [];

  beforeAll(async () => {
    platform = await startPlatform();
    tenant = await signUpTenant(platform.gatewayUrl, 'Restart');
  });
  afterAll(async () => {
    services('up', 'kafka'); // whatever happened, leave the broker running for the other tests
    await platform.stop();
  });

  it('publishes every event committed while the broker was down, once it is back', async () => {
    const url = platform.gatewayUrl;
    const contact = await gql(url, op('crm', 'CreateContact'), { input: { firstName: 'Re', lastName: 'Start', email: 'restart@example.com' } }, tenant.headers);
    const id = contact.data!.createContact.id;

    services('down', 'kafka');
    for (let n = 0; n < 5; n += 1) {
      const res = await gql(url, op('crm', 'UpdateContact'), { id, input: { title: `while-down-${n}` } }, tenant.headers);
      expect(res.errors).toBeUndefined(); // writes never depend on the broker
    }
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    const pending = await db.query('SELECT count(*)::int AS n FROM crm.outbox WHERE aggregate_id = $1 AND published_at IS NULL', [id]);
    expect(pending.rows[0].n).toBeGreaterThanOrEqual(5);

    services('up', 'kafka');
    const stop = await platform.bus.subscribe({ groupId: `restart-${randomUUID()}`, topics: [topicFor('crm')], fromBeginning: true, onEvent: (e) => void received.push(e) });
    const deadline = Date.now() + 60_000;
    while (received.filter((e) => e.aggregateId === id).length < 6) {
      if (Date.now() > deadline) throw new Error('events did not arrive after the restart');
      await new Promise((r) => setTimeout(r, 50));
    }
    await stop();
    const mine = received.filter((e) => e.aggregateId === id);
    const unique = [...new Map(mine.map((e) => [e.id, e])).values()]; // at least once: drop duplicates by id
    expect(unique.map((e) => (e.payload.audit!.changes as any).title?.to ?? null)).toEqual([null, ...[0, 1, 2, 3, 4].map((n) => `while-down-${n}`)]);
    const left = await db.query('SELECT count(*)::int AS n FROM crm.outbox WHERE aggregate_id = $1 AND published_at IS NULL', [id]);
    expect(left.rows[0].n).toBe(0);
    await db.end();
  }, 120_000);
});

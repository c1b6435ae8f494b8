// One contract suite, run against every EventBus implementation: the Kafka adapter (against the
// real broker of KAFKA_BROKERS) and the in-process bus that `npm start` uses without Kafka.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaEventBus, MAX_EVENT_BATCH, MemoryEventBus, topicFor, type EventBus, type EventEnvelope } from '@bacbos/common';
import { untilBrokersAgree } from '../helpers/kafka';

const event = (aggregateId: string, n: number, tenantId = 't'): EventEnvelope => ({
  id: randomUUID(), seq: String(n), source: 'crm', tenantId, type: 'crm.contact.updated', aggregateType: 'Contact', aggregateId,
  actor: { userId: null, apiKeyId: null }, occurredAt: new Date().toISOString(), version: 1, payload: { data: { n } },
});

/** Resolves when `predicate` holds for the collected events, or fails after `ms`. */
function until(events: EventEnvelope[], predicate: (e: EventEnvelope[]) => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (predicate(events)) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out with ${events.length} events`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

const adapters: [string, () => EventBus][] = [['memory', () => new MemoryEventBus()]];
if (process.env.KAFKA_BROKERS) {
  adapters.push(['kafka', () => new KafkaEventBus({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: `contract-${randomUUID().slice(0, 6)}` })]);
} else {
  test.skip('kafka adapter (KAFKA_BROKERS not set)', () => undefined);
}

describe.each(adapters)('EventBus contract: %s', (_name, make) => {
  let bus: EventBus;
  const topic = topicFor('crm');
  beforeAll(() => {
    bus = make();
  });
  afterAll(() => bus.close());

  it('delivers every event published after subscribing, in order per aggregate', async () => {
    const got: EventEnvelope[] = [];
    const stop = await bus.subscribe({ groupId: `g-${randomUUID()}`, topics: [topic], onEvent: (e) => void got.push(e) });
    const a = randomUUID();
    const b = randomUUID();
    const sent = [...Array(20).keys()].map((n) => event(n % 2 ? a : b, n));
    await bus.publish(topic, sent.slice(0, 10));
    await bus.publish(topic, sent.slice(10));
    const ids = new Set(sent.map((e) => e.id));
    await until(got, (g) => g.filter((e) => ids.has(e.id)).length === 20);
    for (const aggregate of [a, b]) {
      const order = got.filter((e) => e.aggregateId === aggregate).map((e) => Number(e.seq));
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
    expect(got.filter((e) => ids.has(e.id))[0]).toEqual(sent.find((e) => e.id === got.filter((x) => ids.has(x.id))[0].id));
    await stop();
  });

  it("delivers one tenant's events of many aggregates in the order they were published (live subscriptions resume with after: in that order)", async () => {
    const got: EventEnvelope[] = [];
    const stop = await bus.subscribe({ groupId: `g-${randomUUID()}`, topics: [topic], onEvent: (e) => void got.push(e) });
    const tenant = randomUUID();
    // 30 aggregates: keyed by aggregate, they would spread over the topic's partitions and be consumed in any order.
    const sent = [...Array(30).keys()].map((n) => event(randomUUID(), n, tenant));
    for (let i = 0; i < sent.length; i += 5) await bus.publish(topic, sent.slice(i, i + 5));
    await until(got, (g) => g.filter((e) => e.tenantId === tenant).length === 30);
    expect(got.filter((e) => e.tenantId === tenant).map((e) => Number(e.seq))).toEqual(sent.map((e) => Number(e.seq)));
    await stop();
  });

  it('gives every group every event, and a stopped subscription nothing more', async () => {
    const one: EventEnvelope[] = [];
    const two: EventEnvelope[] = [];
    const stopOne = await bus.subscribe({ groupId: `g-${randomUUID()}`, topics: [topic], onEvent: (e) => void one.push(e) });
    const stopTwo = await bus.subscribe({ groupId: `g-${randomUUID()}`, topics: [topic], onEvent: (e) => void two.push(e) });
    const first = event(randomUUID(), 1);
    await bus.publish(topic, [first]);
    await until(one, (g) => g.some((e) => e.id === first.id));
    await until(two, (g) => g.some((e) => e.id === first.id));
    await stopOne();
    const second = event(randomUUID(), 2);
    await bus.publish(topic, [second]);
    await until(two, (g) => g.some((e) => e.id === second.id));
    expect(one.some((e) => e.id === second.id)).toBe(false);
    await stopTwo();
  });

  it('replays retained events to a new group that starts from the beginning', async () => {
    const marker = event(randomUUID(), 7);
    await bus.publish(topic, [marker]);
    const got: EventEnvelope[] = [];
    const stop = await bus.subscribe({ groupId: `g-${randomUUID()}`, topics: [topic], fromBeginning: true, onEvent: (e) => void got.push(e) });
    await until(got, (g) => g.some((e) => e.id === marker.id));
    await stop();
  });

  it('hands a batch consumer runs of events in order, and a run whose handler throws again, whole (nothing lost)', async () => {
    const runs: EventEnvelope[][] = [];
    let failures = 0;
    let longest = 0;
    const tenant = randomUUID();
    const stop = await bus.subscribe({
      groupId: `g-${randomUUID()}`, topics: [topic],
      onBatch: async (events) => {
        const mine = events.filter((e) => e.tenantId === tenant);
        // The first run holding this test's events fails once: it must come back whole.
        if (mine.length && failures === 0) {
          failures += 1;
          throw new Error('index unavailable');
        }
        longest = Math.max(longest, events.length);
        runs.push(mine);
      },
    });
    const sent = [...Array(40).keys()].map((n) => event(randomUUID(), n, tenant));
    await bus.publish(topic, sent.slice(0, 20));
    await bus.publish(topic, sent.slice(20));
    const got = () => runs.flat();
    await until(got(), () => got().length >= 40, 30_000);
    expect(failures).toBe(1);
    expect(longest).toBeLessThanOrEqual(MAX_EVENT_BATCH);
    // Every event once, in publication order (a tenant's events share a partition), after the retry.
    expect(got().map((e) => Number(e.seq))).toEqual(sent.map((e) => Number(e.seq)));
    await stop();
  }, 45_000);

  it('keeps topics apart', async () => {
    const got: EventEnvelope[] = [];
    const stop = await bus.subscribe({ groupId: `g-${randomUUID()}`, topics: [topicFor('hr')], onEvent: (e) => void got.push(e) });
    const crmEvent = event(randomUUID(), 1);
    const hrEvent = { ...event(randomUUID(), 2), source: 'hr' };
    await bus.publish(topic, [crmEvent]);
    await bus.publish(topicFor('hr'), [hrEvent]);
    await until(got, (g) => g.some((e) => e.id === hrEvent.id));
    expect(got.some((e) => e.id === crmEvent.id)).toBe(false);
    await stop();
  });
});

if (process.env.KAFKA_BROKERS) {
  describe('KafkaEventBus.createTopics', () => {
    it('creates a new topic once however many clients race for it; each returns when it is usable', async () => {
      const brokers = process.env.KAFKA_BROKERS!.split(',');
      const topic = `bacbos.contract-${randomUUID().slice(0, 8)}.events`;
      const buses = [0, 1, 2].map((n) => new KafkaEventBus({ brokers, clientId: `create-topics-${n}-${randomUUID().slice(0, 6)}` }));
      const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        // Three at once (the losers see TOPIC_ALREADY_EXISTS), then once more on an existing topic.
        await Promise.all(buses.map((bus) => bus.createTopics([topic])));
        await buses[0].createTopics([topic]);
        // Usable by the broker createTopics asked; the broker the admin asks may lag (helpers/kafka).
        let metadata = { partitions: [] as { leader: number }[] };
        await untilBrokersAgree(`${topic} described`, async () => {
          [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
          return true;
        });
        expect(metadata.partitions).toHaveLength(3);
        expect(metadata.partitions.every((p) => p.leader >= 0)).toBe(true);
        const got: EventEnvelope[] = [];
        const stop = await buses[1].subscribe({ groupId: `g-${randomUUID()}`, topics: [topic], fromBeginning: true, onEvent: (e) => void got.push(e) });
        const sent = event(randomUUID(), 1);
        await buses[2].publish(topic, [sent]);
        await until(got, (g) => g.some((e) => e.id === sent.id));
        await stop();
      } finally {
        await Promise.all(buses.map((bus) => bus.close()));
        await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
        await admin.disconnect();
      }
    }, 90_000);
  });
}

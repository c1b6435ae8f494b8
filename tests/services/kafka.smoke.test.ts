/**
 * Smoke test: the Kafka cluster from scripts/services.sh (or any brokers named by
 * KAFKA_BROKERS) accepts a topic, a keyed message, and a fresh consumer group; with the
 * test services it is three brokers that replicate a topic three times and acknowledge a
 * write once two have it (min.insync.replicas 2).
 * Skipped only when KAFKA_BROKERS is unset: eval "$(scripts/services.sh env)".
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { ConfigResourceTypes, Kafka, logLevel, type Admin, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import { untilBrokersAgree } from '../helpers/kafka';

const brokers = process.env.KAFKA_BROKERS;
const describeIfKafka = brokers ? describe : describe.skip;

jest.setTimeout(60_000);

describeIfKafka('kafka (KAFKA_BROKERS)', () => {
  const topic = `smoke-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const kafka = new Kafka({
    clientId: 'bacbos-smoke',
    brokers: (brokers ?? '').split(',').map((b) => b.trim()).filter(Boolean),
    logLevel: logLevel.NOTHING,
  });
  let admin: Admin | undefined;
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    if (admin) {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  });

  it('creates a topic, produces a keyed message and consumes it back', async () => {
    admin = kafka.admin();
    await admin.connect();
    // kafkajs's waitForLeaders asks one broker and gives up if it has not applied the topic yet;
    // each broker applies the new topic from the KRaft metadata log on its own, so wait until
    // whichever broker answers knows it (a clean-clone CI run hit a broker that did not yet).
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: false });
    await untilBrokersAgree(`topic ${topic} has a leader and is listed`, async () => {
      const meta = await admin!.fetchTopicMetadata({ topics: [topic] });
      return meta.topics[0]?.partitions[0]?.leader >= 0 && (await admin!.listTopics()).includes(topic);
    });
    expect(await admin.listTopics()).toContain(topic);

    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const [meta] = await producer.send({
      topic,
      messages: [{ key: 'order-42', value: JSON.stringify({ hello: 'kafka' }) }],
    });
    expect(meta?.errorCode).toBe(0);

    consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = new Promise<KafkaMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message on ${topic} within 30s`)), 30_000);
      void consumer!
        .run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve(message);
          },
        })
        .catch(reject);
    });
    const message = await received;

    expect(message.key?.toString()).toBe('order-42');
    expect(JSON.parse(message.value?.toString() ?? 'null')).toEqual({ hello: 'kafka' });
  });

  it('is three brokers that replicate each topic three times, a write acknowledged once on two (scripts/services.sh)', async () => {
    const probe = kafka.admin();
    await probe.connect();
    try {
      const { brokers: members } = await probe.describeCluster();
      expect(members).toHaveLength(3);
      // Asked of any broker: one that has not applied the topic yet answers "does not host this topic-partition".
      let replicas: number[] = [];
      let minInsync: string | undefined;
      await untilBrokersAgree(`the brokers describe ${topic}`, async () => {
        const { topics } = await probe.fetchTopicMetadata({ topics: [topic] });
        replicas = topics[0].partitions.map((p) => p.replicas.length);
        const { resources } = await probe.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }] });
        minInsync = resources[0].configEntries.find((c) => c.configName === 'min.insync.replicas')?.configValue;
        return true;
      });
      expect(replicas).toEqual([3]);
      expect(minInsync).toBe('2');
    } finally {
      await probe.disconnect();
    }
  });
});

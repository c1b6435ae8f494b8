// The Kafka event bus (kafkajs). The producer is idempotent with one request in flight, so a retry
// after a lost acknowledgement neither duplicates nor reorders a partition. Consumers are tuned
// for live collaboration: kafkajs waits up to 5 s for data by default, we wait at most 25 ms.
import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { rootLogger } from '../logger';
import { consumerLag } from '../observability/metrics';
import { MAX_EVENT_BATCH, type EventBus, type SubscribeOptions } from './bus';
import { ALL_TOPICS } from '../manifest';
import type { EventEnvelope } from './envelope';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /** Partitions of each topic the bus creates (keys spread over them; order holds per key). */
  partitions?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` again on kafkajs's retriable errors for up to 30 s: with several brokers, the one a
 * metadata request reaches may not have applied a topic another process just created
 * (UNKNOWN_TOPIC_OR_PARTITION), which failed a consumer's subscribe at start.
 */
async function retryRetriable<T>(attempt: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
    }
    await sleep(200);
  }
}

/** Until every partition of the topics has a leader, tolerating retriable errors for up to 30 s. */
async function waitForTopics(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      if (found.length === topics.length && found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`kafka: topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * Seeks each partition as soon as the consumer has its group. kafkajs's seek throws while there is
 * none: a crash inside `run` (a broker lost during the join) tears the group down until kafkajs
 * restarts the consumer, and `run` has already returned. The restart creates the group before it
 * joins, so a seek made then still comes before the first fetch.
 */
async function seekOnceGrouped(consumer: Consumer, positions: { topic: string; partition: number; offset: string }[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const position of positions) {
    for (;;) {
      try {
        consumer.seek(position);
        break;
      } catch (error) {
        if (!/not initialized/.test((error as Error).message) || Date.now() > deadline) throw error;
        await sleep(50);
      }
    }
  }
}

export class KafkaEventBus implements EventBus {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private topicsReady?: Promise<void>;
  private readonly consumers = new Set<Consumer>();
  /** The readiness probe's connection (no retries: a broker that does not answer now fails now). */
  private pingAdmin?: Promise<Admin>;
  private readonly log = rootLogger.child({ component: 'kafka' });

  constructor(private readonly options: KafkaBusOptions) {
    const log = this.log;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => ({ level, log: entry }) => {
        const { message, ...rest } = entry;
        if (level <= logLevel.ERROR) log.error(rest, message);
        else log.warn(rest, message);
      },
      retry: { initialRetryTime: 100, retries: 8 },
    });
  }

  /** Creates the platform's topics if missing (brokers may forbid auto-creation). */
  ensureTopics(): Promise<void> {
    this.topicsReady ??= this.createTopics(ALL_TOPICS).catch((error) => {
      this.topicsReady = undefined;
      throw error;
    });
    return this.topicsReady;
  }

  /**
   * Creates those of `topics` that do not exist (`partitions` each, the brokers' default
   * replication factor) and waits until each partition has a leader. Safe to run from several
   * processes at once, and on a loaded cluster: a request the controller timed out, or a broker
   * that has not applied the topic yet, is retried for up to 30 s; a topic that exists by then
   * (another process, or our own timed-out attempt, created it) counts as created.
   */
  async createTopics(topics: readonly string[], partitions = this.options.partitions ?? 3): Promise<void> {
    const admin = this.kafka.admin();
    await retryRetriable(() => admin.connect());
    try {
      const existing = new Set(await retryRetriable(() => admin.listTopics()));
      const missing = topics.filter((t) => !existing.has(t));
      if (!missing.length) return;
      await retryRetriable(async () => {
        try {
          await admin.createTopics({
            // kafkajs's own wait asks one broker and gives up when that broker has not yet applied
            // the new topics (UNKNOWN_TOPIC_OR_PARTITION, common with several brokers); waitForTopics does it.
            waitForLeaders: false,
            // The controller's budget for creating them (kafkajs: 5 s, which a loaded machine exceeds).
            timeout: 30_000,
            // -1: the brokers' default.replication.factor (3 on the test services and in compose)
            topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
          });
        } catch (error) {
          // kafkajs gives up at once on a per-topic error (e.g. REQUEST_TIMED_OUT); retry those that may pass.
          const inner = (error as { errors?: { retriable?: boolean; type?: string }[] }).errors;
          if (inner?.length && inner.every((e) => e.retriable || e.type === 'TOPIC_ALREADY_EXISTS')) throw Object.assign(new Error((error as Error).message), { retriable: true });
          throw error;
        }
      }, 60_000);
      await waitForTopics(admin, missing);
    } finally {
      await admin.disconnect();
    }
  }

  private getProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      return producer;
    })().catch((error) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }

  async publish(topic: string, events: EventEnvelope[]): Promise<void> {
    if (!events.length) return;
    await this.ensureTopics();
    const producer = await this.getProducer();
    await producer.send({
      topic,
      acks: -1,
      messages: events.map((event) => ({
        // Keyed by tenant: a tenant's events of this topic share one partition, so consumers see
        // them in the relay's (outbox) order, which a live subscription's `after:` resume relies
        // on (by aggregate, events of two contacts could be consumed in either order).
        key: event.tenantId,
        value: JSON.stringify(event),
        headers: {
          'event-id': event.id,
          'event-type': event.type,
          'tenant-id': event.tenantId,
          // W3C trace context as message headers too, for consumers that trace from headers.
          ...(event.traceparent ? { traceparent: event.traceparent } : {}),
          ...(event.tracestate ? { tracestate: event.tracestate } : {}),
        },
      })),
    });
  }

  async subscribe(options: SubscribeOptions): Promise<() => Promise<void>> {
    await this.ensureTopics();
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: 25,
      minBytes: 1,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 10_000,
      allowAutoTopicCreation: false,
    });
    await consumer.connect();
    this.consumers.add(consumer);
    const stopLag = this.reportLag(consumer, options.name ?? options.groupId);
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    // "Only new events" must mean events published after this call. Kafka's `latest` reset happens
    // at the first fetch, after the group join, and would miss what is published in between; so
    // capture the end offsets now and seek there once running.
    const startAt = options.fromBeginning ? [] : await retryRetriable(() => this.endOffsets(options.topics));
    await retryRetriable(() => consumer.subscribe({ topics: options.topics, fromBeginning: true }));
    await consumer.run({
      // Partitions are independent (order is per key, and a key stays in one partition).
      partitionsConsumedConcurrently: this.options.partitions ?? 3,
      ...(options.onBatch
        ? {
          // A fetched batch goes to the handler in runs of at most MAX_EVENT_BATCH; each run's last
          // offset is resolved (committed) only after the handler resolved, and the group hears a
          // heartbeat between runs, so a large backlog neither loses events nor the group.
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
            const onBatch = options.onBatch;
            for (let i = 0; i < batch.messages.length && isRunning() && !isStale(); i += MAX_EVENT_BATCH) {
              const run = batch.messages.slice(i, i + MAX_EVENT_BATCH);
              const events = run.flatMap((m) => (m.value ? [JSON.parse(m.value.toString('utf8')) as EventEnvelope] : []));
              if (events.length) await onBatch(events, batch.topic);
              resolveOffset(run[run.length - 1].offset);
              await heartbeat();
            }
          },
        }
        : {
          eachMessage: async ({ topic, message }) => {
            if (!message.value) return;
            // The message's timestamp is the producer's send time (CreateTime): the event's time in Kafka.
            await options.onEvent(JSON.parse(message.value.toString('utf8')) as EventEnvelope, topic, { publishedAt: Number(message.timestamp) });
          },
        }),
    });
    await seekOnceGrouped(consumer, startAt);
    await joined;
    return async () => {
      this.consumers.delete(consumer);
      await consumer.disconnect();
      stopLag();
    };
  }

  /**
   * Consumer lag per partition from kafkajs's batch events: at a batch's start the messages from
   * its first offset to the high watermark are waiting; at its end, those after its last offset.
   */
  private reportLag(consumer: Consumer, name: string): () => void {
    const seen = new Set<string>();
    const set = (topic: string, partition: number, lag: number) => {
      const labels = { consumer: name, topic, partition: String(partition) };
      seen.add(JSON.stringify(labels));
      consumerLag.set(labels, Math.max(0, lag));
    };
    const offs = [
      consumer.on(consumer.events.START_BATCH_PROCESS, ({ payload }) => set(payload.topic, payload.partition, Number(payload.offsetLagLow) + 1)),
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => set(payload.topic, payload.partition, Number(payload.offsetLag))),
    ];
    return () => {
      offs.forEach((off) => off());
      for (const labels of seen) consumerLag.remove(JSON.parse(labels) as Record<string, string>);
    };
  }

  async ping(): Promise<void> {
    this.pingAdmin ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      return admin;
    })();
    try {
      await (await this.pingAdmin).describeCluster();
    } catch (error) {
      // Start over on the next probe: a fresh connection finds the broker once it is back.
      const broken = this.pingAdmin;
      this.pingAdmin = undefined;
      void broken.then((admin) => admin.disconnect()).catch(() => undefined);
      throw error;
    }
  }

  private async endOffsets(topics: string[]): Promise<{ topic: string; partition: number; offset: string }[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // A broker that has not applied a just-created topic yet answers without its partitions
      // (kafkajs then throws on them); another attempt a moment later reaches one that has.
      for (let attempt = 1; ; attempt += 1) {
        try {
          const all = await Promise.all(topics.map(async (topic) => (await admin.fetchTopicOffsets(topic)).map((p) => ({ topic, partition: p.partition, offset: p.high }))));
          return all.flat();
        } catch (error) {
          if (attempt >= 50) throw error;
          await sleep(200);
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    const admin = this.pingAdmin;
    this.pingAdmin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
    await Promise.allSettled([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    if (this.producer) await (await this.producer.catch(() => undefined))?.disconnect();
    this.producer = undefined;
  }
}

// The in-process bus of `npm start` without Kafka: per topic, an append-only log kept in memory
// (bounded), and per group a cursor into it. Delivery is in order and awaited per group, like a
// single-partition Kafka topic.
import { consumerLag } from '../observability/metrics';
import { MAX_EVENT_BATCH, type EventBus, type SubscribeOptions } from './bus';
import type { EventEnvelope } from './envelope';

interface Group {
  topics: Set<string>;
  handler: Pick<SubscribeOptions, 'onEvent' | 'onBatch'>;
  queue: Promise<void>;
  /** onBatch groups: events waiting for the next run, in order. */
  waiting: { topic: string; event: EventEnvelope }[];
  stopped: boolean;
  /** Metrics name, and events queued but not yet handled, per topic (its consumer lag). */
  name: string;
  pending: Map<string, number>;
}

export class MemoryEventBus implements EventBus {
  readonly kind = 'memory' as const;
  private readonly logs = new Map<string, EventEnvelope[]>();
  private readonly groups = new Set<Group>();

  /** `retain` bounds memory: older events are dropped, as Kafka's retention would. */
  constructor(private readonly retain = 10_000) {}

  async publish(topic: string, events: EventEnvelope[]): Promise<void> {
    const log = this.logs.get(topic) ?? [];
    // Stored as JSON text and parsed per delivery, so no consumer can mutate another's copy.
    for (const event of events) log.push(JSON.parse(JSON.stringify(event)) as EventEnvelope);
    if (log.length > this.retain) log.splice(0, log.length - this.retain);
    this.logs.set(topic, log);
    for (const group of this.groups) {
      if (group.topics.has(topic)) for (const event of events) this.enqueue(group, topic, event);
    }
  }

  async subscribe(options: SubscribeOptions): Promise<() => Promise<void>> {
    const group: Group = {
      topics: new Set(options.topics), handler: options, queue: Promise.resolve(), waiting: [], stopped: false, name: options.name ?? options.groupId, pending: new Map(),
    };
    if (options.fromBeginning) {
      for (const topic of options.topics) for (const event of this.logs.get(topic) ?? []) this.enqueue(group, topic, event);
    }
    this.groups.add(group);
    return async () => {
      group.stopped = true;
      this.groups.delete(group);
      await group.queue;
      for (const topic of group.pending.keys()) consumerLag.remove({ consumer: group.name, topic, partition: '0' });
    };
  }

  private enqueue(group: Group, topic: string, event: EventEnvelope): void {
    const copy = JSON.parse(JSON.stringify(event)) as EventEnvelope;
    const lag = (delta: number) => {
      const pending = (group.pending.get(topic) ?? 0) + delta;
      group.pending.set(topic, pending);
      if (!group.stopped) consumerLag.set({ consumer: group.name, topic, partition: '0' }, pending);
    };
    lag(1);
    const { onEvent, onBatch } = group.handler;
    if (onBatch) {
      // Events that arrive while a run is handled wait for the next run, which takes them all
      // (consecutive events of one topic, at most MAX_EVENT_BATCH), as a Kafka fetch would.
      group.waiting.push({ topic, event: copy });
      if (group.waiting.length === 1) group.queue = group.queue.then(() => this.drain(group, onBatch));
      return;
    }
    group.queue = group.queue.then(async () => {
      if (group.stopped) return;
      try {
        await onEvent?.(copy, topic);
      } catch {
        // A failing handler must not block the group; consumers log their own errors.
      } finally {
        lag(-1);
      }
    });
  }

  private async drain(group: Group, onBatch: NonNullable<SubscribeOptions['onBatch']>): Promise<void> {
    while (group.waiting.length && !group.stopped) {
      const topic = group.waiting[0].topic;
      let n = 0;
      while (n < group.waiting.length && n < MAX_EVENT_BATCH && group.waiting[n].topic === topic) n++;
      const run = group.waiting.splice(0, n).map((w) => w.event);
      // As a Kafka consumer would: a run whose handler throws comes again (the handler logs), after
      // a backoff of 100 ms doubling to 5 s, until it passes or the subscription stops.
      for (let delay = 100; !group.stopped; delay = Math.min(delay * 2, 5_000)) {
        try {
          await onBatch(run.map((e) => JSON.parse(JSON.stringify(e)) as EventEnvelope), topic);
          break;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
      const pending = (group.pending.get(topic) ?? 0) - run.length;
      group.pending.set(topic, pending);
      if (!group.stopped) consumerLag.set({ consumer: group.name, topic, partition: '0' }, pending);
    }
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    for (const group of this.groups) group.stopped = true;
    this.groups.clear();
  }
}

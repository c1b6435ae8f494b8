// The in-process bus of `npm start` without Kafka: per topic, an append-only log kept in memory
// (bounded), and per group a cursor into it. Delivery is in order and awaited per group, like a
// single-partition Kafka topic.
import { consumerLag } from '../observability/metrics';
import type { EventBus, SubscribeOptions } from './bus';
import type { EventEnvelope } from './envelope';

interface Group {
  topics: Set<string>;
  onEvent: SubscribeOptions['onEvent'];
  queue: Promise<void>;
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
      topics: new Set(options.topics), onEvent: options.onEvent, queue: Promise.resolve(), stopped: false, name: options.name ?? options.groupId, pending: new Map(),
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
    group.queue = group.queue.then(async () => {
      if (group.stopped) return;
      try {
        await group.onEvent(copy, topic);
      } catch {
        // A failing handler must not block the group; consumers log their own errors.
      } finally {
        lag(-1);
      }
    });
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    for (const group of this.groups) group.stopped = true;
    this.groups.clear();
  }
}

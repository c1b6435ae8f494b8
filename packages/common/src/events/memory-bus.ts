// The in-process bus of `npm start` without Kafka: per topic, an append-only log kept in memory
// (bounded), and per group a cursor into it. Delivery is in order and awaited per group, like a
// single-partition Kafka topic.
import type { EventBus, SubscribeOptions } from './bus';
import type { EventEnvelope } from './envelope';

interface Group {
  topics: Set<string>;
  onEvent: SubscribeOptions['onEvent'];
  queue: Promise<void>;
  stopped: boolean;
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
    const group: Group = { topics: new Set(options.topics), onEvent: options.onEvent, queue: Promise.resolve(), stopped: false };
    if (options.fromBeginning) {
      for (const topic of options.topics) for (const event of this.logs.get(topic) ?? []) this.enqueue(group, topic, event);
    }
    this.groups.add(group);
    return async () => {
      group.stopped = true;
      this.groups.delete(group);
      await group.queue;
    };
  }

  private enqueue(group: Group, topic: string, event: EventEnvelope): void {
    const copy = JSON.parse(JSON.stringify(event)) as EventEnvelope;
    group.queue = group.queue.then(async () => {
      if (group.stopped) return;
      try {
        await group.onEvent(copy, topic);
      } catch {
        // A failing handler must not block the group; consumers log their own errors.
      }
    });
  }

  async close(): Promise<void> {
    for (const group of this.groups) group.stopped = true;
    this.groups.clear();
  }
}

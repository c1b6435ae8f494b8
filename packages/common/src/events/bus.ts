// One event bus interface, two implementations: Kafka (kafkajs) for real deployments and the test
// suite, and an in-process bus for `npm start` without KAFKA_BROKERS. Both pass the same contract
// tests (tests/events/bus.contract.test.ts).
import type { EventEnvelope } from './envelope';

interface SubscribeCommon {
  /** Consumers of one group share the events; every group gets every event. */
  groupId: string;
  topics: string[];
  /** Start from the oldest retained event instead of only new ones (for a new group). */
  fromBeginning?: boolean;
  /** A stable name for metrics (the group id may carry an instance id); default the group id. */
  name?: string;
}

/** Most events one `onBatch` call gets; a bigger backlog comes as several calls, each committed on its own. */
export const MAX_EVENT_BATCH = 500;

/** Either one event at a time (`onEvent`) or runs of them (`onBatch`), for consumers that write in bulk. */
export type SubscribeOptions = SubscribeCommon & (
  | {
    /** Called in order per topic partition (so per aggregate); awaited before the next event.
     *  `publishedAt` (epoch ms, where the bus knows it): when the relay sent the event. */
    onEvent: (event: EventEnvelope, topic: string, meta?: { publishedAt?: number }) => Promise<void> | void;
    onBatch?: undefined;
  }
  | {
    /**
     * Called with consecutive events of one topic partition (at most MAX_EVENT_BATCH, in order),
     * awaited before the next run of that partition. The run counts as consumed only once it
     * resolves: a throw delivers the same events again (Kafka: nothing of the run is committed).
     */
    onBatch: (events: EventEnvelope[], topic: string) => Promise<void>;
    onEvent?: undefined;
  }
);

export interface EventBus {
  readonly kind: 'kafka' | 'memory';
  /** Resolves only once the broker has acknowledged every event. */
  publish(topic: string, events: EventEnvelope[]): Promise<void>;
  /** Resolves once the subscription is live; returns a function that stops it. */
  subscribe(options: SubscribeOptions): Promise<() => Promise<void>>;
  /** Resolves when the broker answers (readiness); rejects when it does not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

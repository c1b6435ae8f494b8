// One event bus interface, two implementations: Kafka (kafkajs) for real deployments and the test
// suite, and an in-process bus for `npm start` without KAFKA_BROKERS. Both pass the same contract
// tests (tests/events/bus.contract.test.ts).
import type { EventEnvelope } from './envelope';

export interface SubscribeOptions {
  /** Consumers of one group share the events; every group gets every event. */
  groupId: string;
  topics: string[];
  /** Start from the oldest retained event instead of only new ones (for a new group). */
  fromBeginning?: boolean;
  /** A stable name for metrics (the group id may carry an instance id); default the group id. */
  name?: string;
  /** Called in order per topic partition (so per aggregate); awaited before the next event.
   *  `publishedAt` (epoch ms, where the bus knows it): when the relay sent the event. */
  onEvent: (event: EventEnvelope, topic: string, meta?: { publishedAt?: number }) => Promise<void> | void;
}

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

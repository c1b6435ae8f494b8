import { randomUUID } from 'node:crypto';
import { setting } from '../config';
import type { EventBus } from './bus';
import { KafkaEventBus } from './kafka-bus';
import { MemoryEventBus } from './memory-bus';

export * from './bus';
export * from './envelope';
export * from './kafka-bus';
export * from './memory-bus';
export * from './relay';

let processBus: MemoryEventBus | undefined;

/**
 * The bus of this process: Kafka when KAFKA_BROKERS is set, otherwise the in-process bus shared by
 * everything running in this process (npm start runs all subgraphs and the gateway in one).
 */
export function createEventBus(clientId: string): EventBus {
  const brokers = setting('KAFKA_BROKERS');
  if (brokers?.length) return new KafkaEventBus({ brokers, clientId: `${clientId}-${randomUUID().slice(0, 8)}` });
  processBus ??= new MemoryEventBus();
  return processBus;
}
export * from './history';
export * from './stream';
export * from './revocation';

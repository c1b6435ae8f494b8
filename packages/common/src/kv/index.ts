import { MemoryKeyValueStore } from './memory-store';
import { RedisKeyValueStore } from './redis-store';
import type { KeyValueStore } from './store';

export * from './memory-store';
export * from './redis-store';
export * from './store';

let processStore: MemoryKeyValueStore | undefined;

/** Redis when REDIS_URL is set, otherwise the in-process store shared by this process. */
export function createKeyValueStore(): KeyValueStore {
  if (process.env.REDIS_URL) return new RedisKeyValueStore(process.env.REDIS_URL, process.env.REDIS_KEY_PREFIX ?? 'bacbos:');
  processStore ??= new MemoryKeyValueStore();
  return processStore;
}

import { setting } from '../config';
import { MemoryKeyValueStore } from './memory-store';
import { RedisKeyValueStore } from './redis-store';
import type { KeyValueStore } from './store';

export * from './memory-store';
export * from './redis-store';
export * from './store';
export * from './credential-state';

let processStore: MemoryKeyValueStore | undefined;

/** Redis when REDIS_URL is set, otherwise the in-process store shared by this process. */
export function createKeyValueStore(): KeyValueStore {
  const url = setting('REDIS_URL');
  if (url) return new RedisKeyValueStore(url, setting('REDIS_KEY_PREFIX'));
  processStore ??= new MemoryKeyValueStore();
  return processStore;
}

import Redis from 'ioredis';
import { guardConnection } from '../lifecycle';
import type { KeyValueStore } from './store';

export class RedisKeyValueStore implements KeyValueStore {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;

  constructor(url: string, private readonly prefix = 'bacbos:') {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
    // ioredis reconnects by itself; without a listener it prints every failed attempt with a stack.
    guardConnection(this.redis, 'redis');
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(this.prefix + key);
  }

  async mget(keys: string[]): Promise<(string | null)[]> {
    return keys.length ? this.redis.mget(keys.map((k) => this.prefix + k)) : [];
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    if (ttlSeconds) await this.redis.set(this.prefix + key, value, 'EX', ttlSeconds);
    else await this.redis.set(this.prefix + key, value);
  }

  async del(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async hit(key: string, windowSeconds: number, amount = 1): Promise<{ count: number; resetMs: number }> {
    const k = this.prefix + key;
    // One round trip: count, start the window on the first hit only (NX), read what is left of it.
    const results = await this.redis.multi().incrby(k, amount).pexpire(k, windowSeconds * 1000, 'NX').pttl(k).exec();
    if (!results) throw new Error('redis transaction aborted');
    const [[incrError, count], , [ttlError, ttl]] = results;
    if (incrError || ttlError) throw incrError ?? ttlError;
    return { count: Number(count), resetMs: Math.max(0, Number(ttl)) };
  }

  async ping(): Promise<void> {
    // Not queued for a reconnect: a store that is not connected now is not ready now.
    if (this.redis.status !== 'ready') throw new Error(`redis connection is ${this.redis.status}`);
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}

import Redis from 'ioredis';
import { unavailable } from '../errors';
import { guardConnection } from '../lifecycle';
import type { KeyValueStore } from './store';

/**
 * How long one command may wait for Redis, queued while it reconnects included. Revocations,
 * tenant state and rate limits are checked on every request: while Redis does not answer, those
 * requests fail closed (unavailable(): INTERNAL_SERVER_ERROR, `unavailable: true`, HTTP 503)
 * within this bound rather than hang or pass unchecked.
 */
const COMMAND_TIMEOUT_MS = 1_000;
/** Reconnect attempts back off to at most this, so service resumes within it once Redis is back. */
const MAX_RECONNECT_DELAY_MS = 500;

/**
 * A hit on a window, atomically in one command (EVALSHA; ioredis sends the script again after a
 * Redis restart forgot it): count, start the window on the first hit only (NX), read what is left
 * of it. A MULTI of the same three was five commands to encode and five replies to parse, twice
 * per gateway request (the budgets).
 */
const HIT_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2], 'NX')
return { count, redis.call('PTTL', KEYS[1]) }`;

type WithHit = Redis & { bacbosHit(key: string, amount: number, windowMs: number): Promise<[number, number]> };

export class RedisKeyValueStore implements KeyValueStore {
  readonly kind = 'redis' as const;
  private readonly redis: WithHit;

  constructor(url: string, private readonly prefix = 'bacbos:') {
    this.redis = new Redis(url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      lazyConnect: false,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 50, MAX_RECONNECT_DELAY_MS),
      // Commands issued in the same tick (a request's budget hits) leave in one socket write.
      enableAutoPipelining: true,
    }) as WithHit;
    this.redis.defineCommand('bacbosHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    // ioredis reconnects by itself; without a listener it prints every failed attempt with a stack.
    guardConnection(this.redis, 'redis');
  }

  /** Any failure of the store is the same thing to a caller: the store is unavailable. */
  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw unavailable(error);
    }
  }

  get(key: string): Promise<string | null> {
    return this.call(() => this.redis.get(this.prefix + key));
  }

  mget(keys: string[]): Promise<(string | null)[]> {
    return keys.length ? this.call(() => this.redis.mget(keys.map((k) => this.prefix + k))) : Promise.resolve([]);
  }

  set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    return this.call(async () => {
      if (ttlSeconds) await this.redis.set(this.prefix + key, value, 'EX', ttlSeconds);
      else await this.redis.set(this.prefix + key, value);
    });
  }

  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return this.call(async () => (await this.redis.set(this.prefix + key, value, 'EX', ttlSeconds, 'NX')) === 'OK');
  }

  del(key: string): Promise<void> {
    return this.call(async () => {
      await this.redis.del(this.prefix + key);
    });
  }

  hit(key: string, windowSeconds: number, amount = 1): Promise<{ count: number; resetMs: number }> {
    return this.call(async () => {
      const [count, ttl] = await this.redis.bacbosHit(this.prefix + key, amount, windowSeconds * 1000);
      return { count: Number(count), resetMs: Math.max(0, Number(ttl)) };
    });
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

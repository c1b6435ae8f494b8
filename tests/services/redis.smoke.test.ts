/**
 * Smoke test: the Redis from scripts/services.sh (or any server named by REDIS_URL)
 * answers SET with expiry, GET, TTL and INCR.
 * Skipped only when REDIS_URL is unset: eval "$(scripts/services.sh env)".
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';

const redisUrl = process.env.REDIS_URL;
const describeIfRedis = redisUrl ? describe : describe.skip;

describeIfRedis('redis (REDIS_URL)', () => {
  const prefix = `smoke:${Date.now()}:${Math.random().toString(36).slice(2, 8)}`;
  let redis: Redis | undefined;

  afterAll(async () => {
    if (!redis) return;
    await redis.del(`${prefix}:value`, `${prefix}:counter`).catch(() => undefined);
    await redis.quit().catch(() => undefined);
  });

  it('sets with expiry, gets, and increments', async () => {
    redis = new Redis(redisUrl!, { maxRetriesPerRequest: 1 });

    expect(await redis.set(`${prefix}:value`, 'hello', 'EX', 30)).toBe('OK');
    expect(await redis.get(`${prefix}:value`)).toBe('hello');
    const ttl = await redis.ttl(`${prefix}:value`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);

    expect(await redis.incr(`${prefix}:counter`)).toBe(1);
    expect(await redis.incr(`${prefix}:counter`)).toBe(2);
    expect(await redis.get(`${prefix}:counter`)).toBe('2');
  });
});

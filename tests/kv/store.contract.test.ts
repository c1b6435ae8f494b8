// One contract suite for the key-value store: the Redis adapter (real Redis of REDIS_URL) and the
// in-process stand-in that `npm start` uses without Redis.
import { randomUUID } from 'node:crypto';
import { MemoryKeyValueStore, RedisKeyValueStore, type KeyValueStore } from '@bacbos/common';

const adapters: [string, () => KeyValueStore][] = [['memory', () => new MemoryKeyValueStore()]];
if (process.env.REDIS_URL) adapters.push(['redis', () => new RedisKeyValueStore(process.env.REDIS_URL!, `test-${randomUUID()}:`)]);
else test.skip('redis adapter (REDIS_URL not set)', () => undefined);

const until = async (predicate: () => Promise<boolean>, ms = 5_000) => {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.each(adapters)('KeyValueStore contract: %s', (_name, make) => {
  let store: KeyValueStore;
  beforeAll(() => {
    store = make();
  });
  afterAll(() => store.close());

  it('sets, gets, multi-gets and deletes', async () => {
    await store.set('a', '1');
    await store.set('b', 'two');
    expect(await store.get('a')).toBe('1');
    expect(await store.mget(['a', 'missing', 'b'])).toEqual(['1', null, 'two']);
    await store.del('a');
    expect(await store.get('a')).toBeNull();
    expect(await store.mget([])).toEqual([]);
  });

  it('expires keys set with a TTL and keeps those without', async () => {
    await store.set('short', 'x', 1);
    await store.set('long', 'y');
    expect(await store.get('short')).toBe('x');
    await until(async () => (await store.get('short')) === null);
    expect(await store.get('long')).toBe('y');
  });

  it('sets a key only when absent, with a TTL; a later set overwrites it', async () => {
    const key = `nx-${randomUUID()}`;
    expect(await store.setIfAbsent(key, 'first', 60)).toBe(true);
    expect(await store.setIfAbsent(key, 'second', 60)).toBe(false);
    expect(await store.get(key)).toBe('first');
    await store.set(key, 'overwritten', 60);
    expect(await store.get(key)).toBe('overwritten');
    const short = `nx-short-${randomUUID()}`;
    expect(await store.setIfAbsent(short, 'x', 1)).toBe(true);
    await until(async () => (await store.get(short)) === null);
    expect(await store.setIfAbsent(short, 'y', 1)).toBe(true);
  });

  it('counts hits in a window that starts with the first hit', async () => {
    const key = `rate-${randomUUID()}`;
    const first = await store.hit(key, 60);
    expect(first.count).toBe(1);
    expect(first.resetMs).toBeGreaterThan(59_000);
    expect(first.resetMs).toBeLessThanOrEqual(60_000);
    for (let n = 2; n <= 5; n += 1) expect((await store.hit(key, 60)).count).toBe(n);
    const windowKey = `window-${randomUUID()}`;
    await store.hit(windowKey, 1);
    await until(async () => (await store.get(windowKey)) === null);
    expect((await store.hit(windowKey, 1)).count).toBe(1);
  });

  it('adds an amount per hit (a query cost) in the same window', async () => {
    const key = `cost-${randomUUID()}`;
    expect((await store.hit(key, 60, 120)).count).toBe(120);
    const second = await store.hit(key, 60, 30);
    expect(second.count).toBe(150);
    expect(Number(await store.get(key))).toBe(150);
    expect(second.resetMs).toBeLessThanOrEqual(60_000);
  });
});

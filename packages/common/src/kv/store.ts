// Small key-value store for sessions, tenant state and rate limits: Redis (ioredis) in real
// deployments and the test suite; an in-process stand-in for `npm start` without REDIS_URL. Both pass
// one contract suite (tests/kv/store.contract.test.ts).
export interface KeyValueStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  mget(keys: string[]): Promise<(string | null)[]>;
  /** With ttlSeconds the key expires; without, it stays until deleted. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /**
   * Sets the key only when it does not exist (expiring after ttlSeconds); true when it was set. A
   * cache fill that must not overwrite a newer write made meanwhile (a revocation) uses it.
   */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  del(key: string): Promise<void>;
  /**
   * Counts one hit in a fixed window that starts with the first hit: returns the count so far and
   * the milliseconds until the window resets (rate limits, failed log-ins). `amount` (default 1)
   * is what this hit adds (a query's cost).
   */
  hit(key: string, windowSeconds: number, amount?: number): Promise<{ count: number; resetMs: number }>;
  /** Resolves when the store answers (readiness); rejects when it does not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

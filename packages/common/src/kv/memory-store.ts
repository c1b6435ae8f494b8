import type { KeyValueStore } from './store';

/** The in-process stand-in: one Map, expiry checked on read. Good for one process only. */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, { value: string; expiresAt: number | null }>();

  private live(key: string): { value: string; expiresAt: number | null } | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async mget(keys: string[]): Promise<(string | null)[]> {
    return keys.map((k) => this.live(k)?.value ?? null);
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: ttlSeconds ? Date.now() + ttlSeconds * 1000 : null });
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    if (this.live(key)) return false;
    await this.set(key, value, ttlSeconds);
    return true;
  }

  async del(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async hit(key: string, windowSeconds: number, amount = 1): Promise<{ count: number; resetMs: number }> {
    const entry = this.live(key);
    if (!entry) {
      this.entries.set(key, { value: String(amount), expiresAt: Date.now() + windowSeconds * 1000 });
      return { count: amount, resetMs: windowSeconds * 1000 };
    }
    entry.value = String(Number(entry.value) + amount);
    return { count: Number(entry.value), resetMs: Math.max(0, (entry.expiresAt ?? Date.now()) - Date.now()) };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

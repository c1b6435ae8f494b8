// argon2id, at most PASSWORD_HASH_CONCURRENCY at once per process (with the default parameters each
// takes ~0.2-0.5 s of a core and 64 MiB), so a burst of log-ins or sign-ups cannot starve every other request of the process.
// At most PASSWORD_HASH_QUEUE more wait for a slot; beyond that the caller is told to retry
// (RATE_LIMITED, Retry-After 1) instead of queueing without bound.
import argon2 from 'argon2';
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import { appError, setting } from '@bacbos/common';

let slots: { limit: pLimit.Limit; capacity: number } | undefined;

function run<T>(job: () => Promise<T>): Promise<T> {
  if (!slots) {
    const concurrency = setting('PASSWORD_HASH_CONCURRENCY') ?? Math.max(1, Math.floor(availableParallelism() / 2));
    slots = { limit: pLimit(concurrency), capacity: concurrency + setting('PASSWORD_HASH_QUEUE') };
  }
  if (slots.limit.activeCount + slots.limit.pendingCount >= slots.capacity) {
    return Promise.reject(appError('RATE_LIMITED', 'The service is busy checking passwords; retry in a second', { retryAfter: 1 }));
  }
  return slots.limit(job);
}

// Verification reads the parameters from the stored hash, so changing them affects new hashes only.
export const hashPassword = (password: string) =>
  run(() => argon2.hash(password, { type: argon2.argon2id, memoryCost: setting('PASSWORD_HASH_MEMORY_KIB'), timeCost: setting('PASSWORD_HASH_PASSES') }));
export const verifyPassword = (hash: string, password: string) => run(() => argon2.verify(hash, password));

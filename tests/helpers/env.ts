// Test-only secrets (random per run) and quiet logs. DATABASE_URL and the other service URLs come
// from `scripts/services.sh env`, which the test command evaluates before jest starts.
import { randomBytes } from 'node:crypto';

process.env.INTERNAL_CONTEXT_SECRET ??= randomBytes(32).toString('hex');
process.env.ACCESS_TOKEN_SECRET ??= randomBytes(32).toString('hex');
process.env.LOG_LEVEL ??= 'silent';
// Each jest run keeps its own keys in the shared Redis (rate-limit windows outlive a run).
process.env.REDIS_KEY_PREFIX ??= `bacbos-test-${process.env.TEST_DATABASE_NAME ?? process.pid}:`;

// Test-only secrets (random per run) and quiet logs. DATABASE_URL and the other service URLs come
// from `scripts/services.sh env`, which the test command evaluates before jest starts.
import { randomBytes } from 'node:crypto';

process.env.INTERNAL_CONTEXT_SECRET ??= randomBytes(32).toString('hex');
process.env.ACCESS_TOKEN_SECRET ??= randomBytes(32).toString('hex');
process.env.LOG_LEVEL ??= 'silent';
// Each jest run keeps its own keys in the shared Redis (rate-limit windows outlive a run).
process.env.REDIS_KEY_PREFIX ??= `bacbos-test-${process.env.TEST_DATABASE_NAME ?? process.pid}:`;
// The suite signs up hundreds of tenants and logs in thousands of times from 127.0.0.1, and some
// files run many operations a minute per tenant: generous budgets here; the budget tests
// (tests/e2e/budgets.test.ts) set tight ones of their own.
process.env.RATE_LIMIT_SIGNUPS_PER_HOUR ??= '100000';
process.env.RATE_LIMIT_ANONYMOUS_PER_MINUTE ??= '100000';
process.env.TENANT_BUDGET_SCALE ??= '100';
// Hundreds of sign-ups and thousands of log-ins: argon2id at OWASP's floor (19 MiB, 2 passes, ~1/6
// of the default's CPU) instead of the production default. tests/e2e/throttling.test.ts, which needs
// hashing to be slow, sets the default back.
process.env.PASSWORD_HASH_MEMORY_KIB ??= '19456';
process.env.PASSWORD_HASH_PASSES ??= '2';

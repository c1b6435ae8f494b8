// /health/live, /health/ready and /metrics, mounted on every HTTP server of the platform.
// live: the process runs and serves HTTP. ready: every dependency this server is configured to use
// answers (database, Redis, Kafka; for the gateway also a loaded supergraph), else 503 naming the
// failing ones. Only configured dependencies are checked: the in-process stand-ins always answer.
import express from 'express';
import type { EventBus } from '../events/bus';
import type { KeyValueStore } from '../kv/store';
import type { Logger } from '../logger';
import { metricsRegistry } from './metrics';

export interface ReadinessCheck {
  /** What the 503 names: database, redis, kafka, supergraph. */
  name: string;
  /** Resolves when the dependency answers. */
  check(): Promise<void>;
}

/** A dependency that does not answer within this bound counts as failing. */
const CHECK_TIMEOUT_MS = 2_000;

/** Redis, when the store is Redis. */
export function kvReadiness(kv: KeyValueStore | undefined): ReadinessCheck[] {
  return kv?.kind === 'redis' ? [{ name: 'redis', check: () => kv.ping() }] : [];
}

/** Kafka, when the bus is Kafka. */
export function busReadiness(bus: EventBus | undefined): ReadinessCheck[] {
  return bus?.kind === 'kafka' ? [{ name: 'kafka', check: () => bus.ping() }] : [];
}

async function run(check: ReadinessCheck): Promise<'ok' | 'failing' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.check().then(() => 'ok' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function operationalRoutes(options: { checks: ReadinessCheck[]; log: Logger }): express.Router {
  const router = express.Router();
  const failing = new Set<string>();

  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/health/ready', async (_req, res) => {
    const results = await Promise.all(
      options.checks.map(async (check) => {
        let state: 'ok' | 'failing' | 'timeout';
        let error: unknown;
        try {
          state = await run(check);
        } catch (caught) {
          state = 'failing';
          error = caught;
        }
        if (state === 'ok') {
          if (failing.delete(check.name)) options.log.info({ dependency: check.name }, 'readiness: dependency is back');
        } else if (!failing.has(check.name)) {
          // Logged once per outage, not on every probe.
          failing.add(check.name);
          options.log.warn({ err: error, dependency: check.name, state }, 'readiness: dependency is failing');
        }
        return [check.name, state] as const;
      }),
    );
    const down = results.filter(([, state]) => state !== 'ok').map(([name]) => name);
    res.status(down.length ? 503 : 200).json({ status: down.length ? 'unavailable' : 'ready', ...(down.length ? { failing: down } : {}), checks: Object.fromEntries(results) });
  });

  router.get('/metrics', async (_req, res) => {
    const text = await metricsRegistry.metrics();
    res.type(metricsRegistry.contentType).send(text);
  });
  return router;
}

// Every Prometheus metric of the platform, in one registry per process. Under `npm start` the
// gateway and the five subgraphs share the process, so they share the registry (subgraph metrics
// carry a `subgraph` label) and each server's /metrics serves all of it; a standalone process
// serves its own. README.md ("Metrics") documents each one; tests/observability checks that.
//
// Label values are bounded: no tenant id, user id or variable ever becomes a label; an operation
// name only after the operation parsed and validated, and only the first OPERATION_NAME_LIMIT
// distinct names per server (later ones count as `__other__`).
import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const registers = [metricsRegistry];

/** Distinct operation names kept as label values, per server (gateway, or each subgraph). */
export const OPERATION_NAME_LIMIT = 200;
const MAX_NAME_LENGTH = 100;
const operationNames = new Map<string, Set<string>>();

/**
 * The label value for an operation: `__invalid__` when it did not parse and validate (its name is
 * then arbitrary client input), `__anonymous__` without a name, `__other__` past the limit.
 */
export function operationLabel(server: string, name: string | null | undefined, resolved: boolean): string {
  if (!resolved) return '__invalid__';
  if (!name) return '__anonymous__';
  let known = operationNames.get(server);
  if (!known) operationNames.set(server, (known = new Set()));
  if (known.has(name)) return name;
  if (known.size >= OPERATION_NAME_LIMIT || name.length > MAX_NAME_LENGTH) return '__other__';
  known.add(name);
  return name;
}

// ---- GraphQL over HTTP: the gateway (client operations) and each subgraph -------------------
export const gatewayRequests = new Counter({
  name: 'bacbos_gateway_requests_total', help: 'GraphQL HTTP requests served by the gateway', labelNames: ['operation', 'type'], registers,
});
export const gatewayRequestErrors = new Counter({
  name: 'bacbos_gateway_request_errors_total', help: 'Gateway requests that failed, once per distinct error code of a response', labelNames: ['operation', 'code'], registers,
});
export const gatewayRequestDuration = new Histogram({
  name: 'bacbos_gateway_request_duration_seconds', help: 'Gateway request duration, from arrival to the last byte sent', labelNames: ['operation', 'type'], registers,
});
export const subgraphFetchDuration = new Histogram({
  name: 'bacbos_gateway_subgraph_fetch_duration_seconds', help: 'Duration of the gateway\'s fetches to a subgraph, by client operation', labelNames: ['subgraph', 'operation'], registers,
});
export const subgraphFetchErrors = new Counter({
  name: 'bacbos_gateway_subgraph_fetch_errors_total', help: 'Gateway fetches to a subgraph that failed, once per distinct error code', labelNames: ['subgraph', 'code'], registers,
});
export const queryPlans = new Counter({
  name: 'bacbos_gateway_query_plans_total', help: 'Query plans the gateway built: at start for the persisted manifest (warm_up), or for a request that missed the plan cache (request)', labelNames: ['source'], registers,
});
export const gatewayExecutions = new Counter({
  name: 'bacbos_gateway_executions_total', help: "Operations the gateway executed, by executor: compiled (GATEWAY_EXECUTOR=compiled) or apollo (@apollo/gateway's, also the compiled one's fallback), and why it fell back", labelNames: ['executor', 'reason'], registers,
});
export const subgraphRequests = new Counter({
  name: 'bacbos_subgraph_requests_total', help: 'GraphQL HTTP requests served by a subgraph', labelNames: ['subgraph', 'operation', 'type'], registers,
});
export const subgraphRequestErrors = new Counter({
  name: 'bacbos_subgraph_request_errors_total', help: 'Subgraph requests that failed, once per distinct error code of a response', labelNames: ['subgraph', 'operation', 'code'], registers,
});
export const subgraphRequestDuration = new Histogram({
  name: 'bacbos_subgraph_request_duration_seconds', help: 'Subgraph request duration, from arrival to the last byte sent', labelNames: ['subgraph', 'operation', 'type'], registers,
});

// ---- Live subscriptions ------------------------------------------------------------------------
export const websocketConnections = new Gauge({
  name: 'bacbos_gateway_websocket_connections', help: 'Open WebSocket connections (graphql-ws) on the gateway', registers,
});
export const subscriptionDelivery = new Histogram({
  name: 'bacbos_subscription_delivery_seconds',
  help: 'Commit-to-client latency of live events: the event\'s occurredAt to its hand-over to the subscriber\'s socket',
  labelNames: ['route'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers,
});

/**
 * Where a live event's time goes, stage by stage (each its own duration, not cumulative), so an
 * operator sees which one to look at when bacbos_subscription_delivery_seconds grows:
 *   outbox_pickup      the mutation transaction's start (the row's occurred_at) to the relay's claim (subgraph)
 *   kafka_produce      the relay's send to the brokers' acknowledgement (acks=all) (subgraph)
 *   kafka_consume      the relay's send (the message's timestamp) to the gateway's consumer handing it over (gateway)
 *   payload_wait       routed to its payload execution starting (waiting for a slot) (gateway)
 *   payload_execution  the payload query through the federated graph, once per execution (gateway)
 *   ordering           payload resolved to handed to the socket (waiting for the subscriber's earlier events) (gateway)
 */
export const eventStageDuration = new Histogram({
  name: 'bacbos_event_stage_seconds',
  help: 'Duration of each stage of a live event, from the outbox to the subscriber\'s socket: outbox_pickup, kafka_produce (relay), kafka_consume, payload_wait, payload_execution, ordering (gateway)',
  labelNames: ['stage'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
});

export const subscriptionEvents = new Counter({
  name: 'bacbos_gateway_subscription_events_total', help: 'Live events the gateway routed to at least one subscription, by route', labelNames: ['route'], registers,
});
export const subscriptionExecutions = new Counter({
  name: 'bacbos_gateway_subscription_executions_total', help: 'Payload queries the gateway executed for live events (one per event and group of subscribers sharing a selection, variables and caller permissions), by route', labelNames: ['route'], registers,
});

// ---- Events ------------------------------------------------------------------------------------
export const outboxPublished = new Counter({
  name: 'bacbos_outbox_published_total', help: 'Outbox events published to the event bus by this process\'s relays', labelNames: ['subgraph'], registers,
});
export const consumerLag = new Gauge({
  name: 'bacbos_event_consumer_lag',
  help: 'Events of a partition not yet processed by a consumer (Kafka: high watermark minus the consumer\'s position, as of its latest fetch; in-process bus: queued events)',
  labelNames: ['consumer', 'topic', 'partition'],
  registers,
});

// ---- Values read at scrape time from whatever registered a source ------------------------------
type Labels = Record<string, string>;
interface Sample { labels: Labels; value: number }
type Source = () => Sample[] | Promise<Sample[]>;

/** A source that does not answer within this bound is left out of that scrape. */
const SOURCE_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('metrics source timed out')), SOURCE_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A gauge whose value is gathered at scrape time from registered sources; samples of several
 * sources with the same labels are summed (pools) or the largest is kept (one outbox seen by two
 * relays of one process).
 */
function collectedGauge(config: { name: string; help: string; labelNames: string[]; merge: 'sum' | 'max' }) {
  const sources = new Set<Source>();
  new Gauge({
    name: config.name,
    help: config.help,
    labelNames: config.labelNames,
    registers,
    async collect() {
      this.reset();
      const merged = new Map<string, Sample>();
      const results = await Promise.allSettled([...sources].map((source) => withTimeout(Promise.resolve().then(source))));
      for (const result of results) {
        if (result.status !== 'fulfilled') continue;
        for (const sample of result.value) {
          const key = JSON.stringify(sample.labels);
          const seen = merged.get(key);
          if (!seen) merged.set(key, { labels: sample.labels, value: sample.value });
          else seen.value = config.merge === 'sum' ? seen.value + sample.value : Math.max(seen.value, sample.value);
        }
      }
      for (const { labels, value } of merged.values()) this.set(labels, value);
    },
  });
  return (source: Source): (() => void) => {
    sources.add(source);
    return () => void sources.delete(source);
  };
}

const poolConnections = collectedGauge({
  name: 'bacbos_db_pool_connections', help: 'Connections of a database pool, by state (in_use, idle)', labelNames: ['subgraph', 'pool', 'state'], merge: 'sum',
});
const poolWaiting = collectedGauge({
  name: 'bacbos_db_pool_waiting', help: 'Queries waiting for a connection of a database pool', labelNames: ['subgraph', 'pool'], merge: 'sum',
});
const poolMax = collectedGauge({
  name: 'bacbos_db_pool_max_connections', help: 'Size limit of a database pool', labelNames: ['subgraph', 'pool'], merge: 'sum',
});

/** Reports a pg pool's connections until it ends. `pool` names its role: app, relay, audit. */
export function observePool<P extends Pool>(pool: P, labels: { subgraph: string; pool: string }): P {
  const live = () => !pool.ended;
  const offs: (() => void)[] = [];
  const guard = (read: () => Sample[]): Source => () => {
    if (live()) return read();
    offs.forEach((off) => off());
    return [];
  };
  offs.push(
    poolConnections(guard(() => [
      { labels: { ...labels, state: 'in_use' }, value: pool.totalCount - pool.idleCount },
      { labels: { ...labels, state: 'idle' }, value: pool.idleCount },
    ])),
    poolWaiting(guard(() => [{ labels, value: pool.waitingCount }])),
    poolMax(guard(() => [{ labels, value: pool.options.max ?? 10 }])),
  );
  return pool;
}

const outboxBacklog = collectedGauge({
  name: 'bacbos_outbox_backlog', help: 'Outbox rows not yet published to the event bus', labelNames: ['subgraph'], merge: 'max',
});
const relayLag = collectedGauge({
  name: 'bacbos_outbox_relay_lag_seconds', help: 'Age of the oldest unpublished outbox event (0 when none waits)', labelNames: ['subgraph'], merge: 'max',
});

/** Reports a subgraph's outbox backlog, read from its database at each scrape; returns the removal. */
export function observeOutbox(subgraph: string, read: () => Promise<{ backlog: number; oldestAgeSeconds: number }>): () => void {
  let pending: Promise<{ backlog: number; oldestAgeSeconds: number }> | undefined;
  // Both gauges are collected in one scrape: one query serves them.
  const once = () => (pending ??= read().finally(() => setTimeout(() => (pending = undefined), 0)));
  const offs = [
    outboxBacklog(async () => [{ labels: { subgraph }, value: (await once()).backlog }]),
    relayLag(async () => [{ labels: { subgraph }, value: (await once()).oldestAgeSeconds }]),
  ];
  return () => offs.forEach((off) => off());
}

const activeSubscriptions = collectedGauge({
  name: 'bacbos_gateway_subscriptions', help: 'Active live subscriptions on the gateway, by route (root field)', labelNames: ['route'], merge: 'sum',
});

/** Reports a gateway hub's active subscriptions per route; returns the removal. */
export function observeSubscriptions(countByRoute: () => Map<string, number>): () => void {
  return activeSubscriptions(() => [...countByRoute()].map(([route, value]) => ({ labels: { route }, value })));
}

/** The Prometheus text of the registry. */
export function metricsText(): Promise<string> {
  return metricsRegistry.metrics();
}

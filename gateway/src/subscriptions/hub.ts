// The gateway's side of live subscriptions. Each gateway instance consumes every event topic in a
// consumer group of its own (so subscribers on any instance are served), and for each event:
// 1. keeps only subscriptions of the event's tenant whose route matches it;
// 2. groups them by (derived query, variables, permissions): one federated execution per event and
//    distinct selection, not one per subscriber; when executions queue for a slot, the events of a
//    group waiting meanwhile are resolved together in one execution (one aliased query), so a
//    backlog costs fewer subgraph calls per event instead of more;
// 3. runs the event query AS the subscriber: the owning subgraph's tenant scoping and permission
//    checks decide whether the event may be seen (null = not visible = not delivered).
// Reconnecting clients pass `after` (their last event id): missed events are replayed from the
// owning subgraph's outbox first, live events arriving meanwhile are held back, and duplicates
// are dropped by event id, so the stream has no gap and no duplicate.
// A payload query that fails because a subgraph or its database is away is retried for a few
// seconds; if it still fails, the subscription ends with the retryable `unavailable` error rather
// than skip the event, and the client resumes with `after` (nothing lost, README "Faults").
import { randomUUID } from 'node:crypto';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { MAX_EVENTS_PER_PAGE, eventStageDuration, isUnavailable, observeSubscriptions, setting, unavailable, startDeliverySpan, subscriptionDelivery, subscriptionEvents, subscriptionExecutions, withSpan, type CallerIdentity, type EventBus, type EventEnvelope, type Logger } from '@bacbos/common';
import type { DerivedSubscription } from './derive';
import { PushQueue } from './queue';

export type Execute = (query: string, variables: Record<string, unknown>, caller: CallerIdentity) => Promise<ExecutionResult>;

interface ActiveSubscription {
  id: string;
  caller: CallerIdentity;
  derived: DerivedSubscription;
  groupKey: string;
  queue: PushQueue<ExecutionResult>;
  /** Event ids already delivered (bounded), for dropping duplicates. */
  seen: Set<string>;
  /** While replaying, live results wait here. */
  held?: { eventId: string; result: ExecutionResult; occurredAt?: string }[];
  /** Deliveries chain here, so results reach the client in event order even though the payload
   *  queries of different events run concurrently. */
  tail: Promise<void>;
}

/** Payload queries in flight at once per gateway instance (each is one federated execution). */
const MAX_CONCURRENT_EXECUTIONS = setting('SUBSCRIPTION_CONCURRENCY');

const SEEN_LIMIT = 10_000;

/** Events of one group resolved by one execution at most (each size is one more query plan). */
const MAX_EVENTS_PER_EXECUTION = 16;

/** An event of a group waiting for its payload execution. */
interface PendingPayload {
  eventId: string;
  /** When it started waiting (performance.now()), for the payload_wait stage. */
  since: number;
  resolve: (result: ExecutionResult | typeof UNRESOLVED) => void;
}

/** A group's events waiting for an execution slot; taken together when the slot comes. */
interface PendingGroup {
  sub: ActiveSubscription;
  waiting: PendingPayload[];
}

/** Waits between attempts of a payload query that failed as unavailable (about 8 s in all). */
const PAYLOAD_RETRY_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 4_000];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The payload could not be resolved: a dependency stayed away through every retry. */
const UNRESOLVED = Symbol('unresolved');

export class SubscriptionHub {
  private readonly subscriptions = new Set<ActiveSubscription>();
  /** The same subscriptions by tenant: an event looks only at its own tenant's. */
  private readonly byTenant = new Map<string, Set<ActiveSubscription>>();
  /** Per group key, the events waiting for a payload execution slot. */
  private readonly pending = new Map<string, PendingGroup>();
  private stopConsumer?: () => Promise<void>;
  private stopObserving?: () => void;
  /** Federated executions run for events (for the benchmark and the dedupe test). */
  executions = 0;
  /** Subscriptions registered since start (monotonic, unlike size). */
  registered = 0;
  /** Called with every event, before delivery (session and key revocation listen here). */
  onEvent?: (event: EventEnvelope) => void;

  constructor(
    private readonly bus: EventBus,
    private readonly execute: Execute,
    private readonly log: Logger,
    private readonly topics: string[],
    readonly instanceId = randomUUID(),
    /** Payload executions in flight at once (SUBSCRIPTION_CONCURRENCY). */
    private readonly maxConcurrentExecutions = MAX_CONCURRENT_EXECUTIONS,
  ) {}

  async start(): Promise<void> {
    this.stopObserving = observeSubscriptions(() => this.countByRoute());
    this.stopConsumer = await this.bus.subscribe({
      groupId: `gateway-${this.instanceId}`,
      name: 'gateway-hub',
      topics: this.topics,
      onEvent: (event, topic, meta) => {
        if (meta?.publishedAt) eventStageDuration.observe({ stage: 'kafka_consume' }, Math.max(0, Date.now() - meta.publishedAt) / 1000);
        return this.dispatch(event, topic);
      },
    });
  }

  async stop(): Promise<void> {
    this.stopObserving?.();
    await this.stopConsumer?.();
    for (const sub of this.subscriptions) sub.queue.end();
    this.subscriptions.clear();
    this.byTenant.clear();
  }

  get size(): number {
    return this.subscriptions.size;
  }

  /** Active subscriptions per route (root field), for the metrics. */
  countByRoute(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const sub of this.subscriptions) counts.set(sub.derived.route.field, (counts.get(sub.derived.route.field) ?? 0) + 1);
    return counts;
  }

  /** Registers a subscription; replays from `after` first when given. */
  register(caller: CallerIdentity, derived: DerivedSubscription): AsyncIterableIterator<ExecutionResult> {
    const sub: ActiveSubscription = {
      id: randomUUID(),
      caller,
      derived,
      groupKey: JSON.stringify([
        derived.eventQuery, derived.variables, caller.tenantId, [...caller.permissions].sort(), caller.modules,
        // Per-caller routes (document ACLs) never share a payload between two principals.
        derived.route.perCaller ? [caller.userId, caller.apiKeyId, caller.oauthClientId] : null,
      ]),
      queue: new PushQueue<ExecutionResult>(() => this.forget(sub)),
      seen: new Set(),
      tail: Promise.resolve(),
    };
    this.subscriptions.add(sub);
    const tenantKey = caller.tenantId ?? '';
    let ofTenant = this.byTenant.get(tenantKey);
    if (!ofTenant) this.byTenant.set(tenantKey, (ofTenant = new Set()));
    ofTenant.add(sub);
    this.registered += 1;
    const after = derived.args.after;
    if (typeof after === 'string' && after) {
      sub.held = [];
      void this.replay(sub, after);
    }
    return sub.queue;
  }

  private forget(sub: ActiveSubscription): void {
    this.subscriptions.delete(sub);
    const tenantKey = sub.caller.tenantId ?? '';
    const ofTenant = this.byTenant.get(tenantKey);
    ofTenant?.delete(sub);
    if (ofTenant && !ofTenant.size) this.byTenant.delete(tenantKey);
  }

  private async replay(sub: ActiveSubscription, after: string): Promise<void> {
    let cursor = after;
    try {
      for (;;) {
        const result = await this.execute(sub.derived.replayQuery, { ...sub.derived.variables, bacbosAfter: cursor }, sub.caller);
        if (result.errors?.length) {
          // The replay query's eventId is the client's `after`.
          sub.queue.push({ errors: clientErrors(result.errors, sub.derived.responseKey, { eventId: 'after' }) });
          sub.queue.end();
          return;
        }
        const events = (result.data?.bacbosEvents ?? []) as ({ bacbosEventId: string } & Record<string, unknown>)[];
        for (const { bacbosEventId, ...payload } of events) this.deliver(sub, bacbosEventId, { data: { [sub.derived.responseKey]: payload } }, true);
        if (events.length < MAX_EVENTS_PER_PAGE) break;
        cursor = events[events.length - 1].bacbosEventId;
      }
    } catch (error) {
      this.log.error({ err: error }, 'subscription replay failed');
      sub.queue.push({ errors: [new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] });
      sub.queue.end();
      return;
    }
    const held = sub.held ?? [];
    sub.held = undefined;
    for (const { eventId, result, occurredAt } of held) this.deliver(sub, eventId, result, false, occurredAt);
  }

  /** `occurredAt` is given for live events: their commit-to-client latency is measured. */
  private deliver(sub: ActiveSubscription, eventId: string, result: ExecutionResult, fromReplay = false, occurredAt?: string): void {
    if (sub.held && !fromReplay) {
      sub.held.push({ eventId, result, occurredAt });
      return;
    }
    if (sub.seen.has(eventId)) return;
    sub.seen.add(eventId);
    if (sub.seen.size > SEEN_LIMIT) sub.seen.delete(sub.seen.values().next().value as string);
    sub.queue.push(result);
    if (occurredAt) subscriptionDelivery.observe({ route: sub.derived.route.field }, Math.max(0, Date.now() - Date.parse(occurredAt)) / 1000);
  }

  private inFlight = 0;
  private readonly slotWaiters: (() => void)[] = [];

  /** Payload executions running now (0: every event routed so far has had its visibility decided). */
  get executionsInFlight(): number {
    return this.inFlight + this.slotWaiters.length;
  }

  private async withSlot<T>(work: () => Promise<T>): Promise<T> {
    while (this.inFlight >= this.maxConcurrentExecutions) await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      this.slotWaiters.shift()?.();
    }
  }

  /** The event's payload for `sub`'s group: joins the group's waiting events, or starts them. */
  private payloadFor(sub: ActiveSubscription, eventId: string): Promise<ExecutionResult | typeof UNRESOLVED> {
    return new Promise((resolve) => {
      const waiting: PendingPayload = { eventId, resolve, since: performance.now() };
      const group = this.pending.get(sub.groupKey);
      if (group) return void group.waiting.push(waiting);
      this.pending.set(sub.groupKey, { sub, waiting: [waiting] });
      void this.drain(sub.groupKey);
    });
  }

  /** Once a slot is free, resolves the group's waiting events (up to MAX_EVENTS_PER_EXECUTION) in one execution. */
  private async drain(groupKey: string): Promise<void> {
    let taken: PendingPayload[] = [];
    const results = await this.resolvePayloads(() => {
      const group = this.pending.get(groupKey) as PendingGroup;
      taken = group.waiting.splice(0, MAX_EVENTS_PER_EXECUTION);
      const startedAt = performance.now();
      for (const p of taken) eventStageDuration.observe({ stage: 'payload_wait' }, (startedAt - p.since) / 1000);
      // Events past the bound wait for the next slot (later events keep joining them).
      if (group.waiting.length) void this.drain(groupKey);
      else this.pending.delete(groupKey);
      this.executions += 1;
      subscriptionExecutions.inc({ route: group.sub.derived.route.field });
      return { sub: group.sub, eventIds: taken.map((p) => p.eventId) };
    });
    taken.forEach((p, i) => p.resolve(results[i]));
  }

  /**
   * Routes one event. Returns once its payload queries are started (not finished), so the next
   * events are routed meanwhile; each subscription still receives results in event order.
   */
  private async dispatch(event: EventEnvelope, topic: string): Promise<void> {
    this.onEvent?.(event);
    const groups = new Map<string, ActiveSubscription[]>();
    for (const sub of this.byTenant.get(event.tenantId) ?? []) {
      // The tenant check comes first and is exact: another tenant's event never goes further.
      if (sub.caller.tenantId !== event.tenantId || sub.derived.route.topic !== topic) continue;
      if (!sub.derived.route.matches(event, sub.derived.args)) continue;
      const group = groups.get(sub.groupKey);
      if (group) group.push(sub);
      else groups.set(sub.groupKey, [sub]);
    }
    if (!groups.size) return;
    const routes = new Set<string>();
    for (const [first] of groups.values()) routes.add(first.derived.route.field);
    for (const route of routes) subscriptionEvents.inc({ route });
    // Joins the mutation's trace: payload queries and deliveries are children of this span.
    const trace = startDeliverySpan(event, topic, [...groups.values()].reduce((n, subs) => n + subs.length, 0));
    const tails: Promise<void>[] = [];
    for (const subs of groups.values()) {
      const [first] = subs;
      let resolvedAt = 0;
      const result = trace.run(() => this.payloadFor(first, event.id)).then((executed) => {
        resolvedAt = performance.now();
        return executed;
      });
      for (const sub of subs) {
        sub.tail = sub.tail.then(() =>
          trace.run(() =>
            withSpan(`subscription.deliver ${sub.derived.responseKey}`, { 'bacbos.subscription.id': sub.id }, async (span) => {
              const executed = await result;
              eventStageDuration.observe({ stage: 'ordering' }, (performance.now() - resolvedAt) / 1000);
              if (executed === UNRESOLVED) {
                // Not skipped: the stream ends with the retryable error, the client resumes with `after`.
                sub.queue.push({ errors: [unavailable()] });
                sub.queue.end();
                return;
              }
              const payload = executed?.data?.bacbosEvent;
              span.setAttribute('bacbos.delivered', payload !== null && payload !== undefined);
              if (payload === null || payload === undefined) return; // not visible to this subscriber
              const errors = executed?.errors?.length ? { errors: clientErrors(executed.errors, sub.derived.responseKey) } : {};
              this.deliver(sub, event.id, { data: { [sub.derived.responseKey]: payload }, ...errors }, false, event.occurredAt);
            }),
          ),
        );
        tails.push(sub.tail);
      }
    }
    void Promise.allSettled(tails).then(() => trace.span.end());
  }

  /**
   * The events' payloads as `sub` may see them; `take`, called once with the first slot held, says
   * which events and for whom. A failure because a subgraph or a database is away (an error marked
   * unavailable, or a throw) is retried; UNRESOLVED for each once the retries are spent.
   */
  private async resolvePayloads(take: () => { sub: ActiveSubscription; eventIds: string[] }): Promise<(ExecutionResult | typeof UNRESOLVED)[]> {
    let target: { sub: ActiveSubscription; eventIds: string[] } | undefined;
    for (let attempt = 0; ; attempt += 1) {
      let failure: unknown;
      try {
        const executed = await this.withSlot(async () => {
          target ??= take();
          const startedAt = performance.now();
          try {
            return await this.executeEvents(target.sub, target.eventIds);
          } finally {
            eventStageDuration.observe({ stage: 'payload_execution' }, (performance.now() - startedAt) / 1000);
          }
        });
        failure = executed.flatMap((result) => result.errors ?? []).find(isUnavailable);
        if (!failure) return executed;
      } catch (error) {
        failure = error;
      }
      const eventIds = target?.eventIds ?? [];
      if (attempt >= PAYLOAD_RETRY_DELAYS_MS.length) {
        this.log.error({ err: failure, eventIds }, 'subscription payload failed; ending the subscription (the client resumes with after)');
        return eventIds.map(() => UNRESOLVED);
      }
      if (attempt === 0) this.log.warn({ err: failure, eventIds }, 'subscription payload failed; retrying');
      await sleep(PAYLOAD_RETRY_DELAYS_MS[attempt]);
    }
  }

  /** One execution for the events (the single-event query for one); each event's result as if alone. */
  private async executeEvents(sub: ActiveSubscription, eventIds: string[]): Promise<ExecutionResult[]> {
    const { derived, caller } = sub;
    if (eventIds.length === 1) return [await this.execute(derived.eventQuery, { ...derived.variables, bacbosEventId: eventIds[0] }, caller)];
    const variables: Record<string, unknown> = { ...derived.variables };
    eventIds.forEach((eventId, i) => (variables[`bacbosEventId${i}`] = eventId));
    const executed = await this.execute(derived.eventBatchQuery(eventIds.length), variables, caller);
    return eventIds.map((_, i) => {
      const key = `bacbosEvent${i}`;
      // An error on another event's field is that event's; one without a path is every event's.
      const errors = (executed.errors ?? [])
        .filter((error) => !error.path?.length || error.path[0] === key)
        .map((error) => (error.path?.length ? new GraphQLError(error.message, { path: ['bacbosEvent', ...error.path.slice(1)], extensions: error.extensions }) : error));
      const data = executed.data ? { bacbosEvent: executed.data[key] ?? null } : executed.data;
      return { ...(data !== undefined ? { data } : {}), ...(errors.length ? { errors } : {}) };
    });
  }

  /** Ends every subscription of a revoked session or API key. */
  endWhere(predicate: (caller: CallerIdentity) => boolean): void {
    for (const sub of this.subscriptions) if (predicate(sub.caller)) sub.queue.end();
  }
}

/**
 * The payload queries' errors as the subscriber must see them. graphql-ws serialises every error
 * with `toJSON()`, which only GraphQLError instances have (the formatted errors of an executed
 * query are plain objects), so each becomes a GraphQLError again, keeping its message and contract
 * code; its path is re-rooted from the derived query (`bacbosEvent`) at the client's response key,
 * and `field` is renamed where the derived query's argument is the client's (`eventId` → `after`).
 */
export function clientErrors(errors: readonly (GraphQLFormattedError | GraphQLError)[], responseKey: string, fieldNames: Record<string, string> = {}): GraphQLError[] {
  return errors.map((error) => {
    const extensions = { ...(error.extensions ?? {}) };
    if (typeof extensions.field === 'string' && fieldNames[extensions.field]) extensions.field = fieldNames[extensions.field];
    const path = error.path?.length ? [responseKey, ...error.path.slice(1)] : undefined;
    return new GraphQLError(error.message, { path: path && error.path?.[0] === 'bacbosEvent' ? path : undefined, extensions });
  });
}

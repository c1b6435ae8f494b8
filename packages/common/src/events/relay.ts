// The outbox relay: publishes a subgraph's committed outbox rows to its topic, in order, at least
// once. Several relays may run against one outbox (one per subgraph instance):
// - rows are claimed with FOR UPDATE SKIP LOCKED, so relays never publish the same row at once;
// - a claimed row whose aggregate has an earlier unpublished row claimed by someone else is held
//   back until that one is out, so one object's events reach the topic in commit order;
// - rows are marked published only after the broker acknowledged them; if the broker is away the
//   transaction rolls back (the rows stay unpublished) and the relay retries with backoff.
// A NOTIFY from the outbox insert trigger wakes the relay at once; a slow poll covers lost notifies.
// Published rows are the event history subscriptions resume from; the relay deletes those older
// than the retention (unpublished rows are never deleted, whatever their age).
import { Client, Pool, type PoolClient } from 'pg';
import { setting } from '../config';
import { guardConnection, guardPool, isShuttingDown } from '../lifecycle';
import type { Logger } from '../logger';
import { eventStageDuration, observePool, outboxPublished } from '../observability/metrics';
import { publishTraced } from '../trace-context';
import type { EventBus } from './bus';
import { topicFor, type EventEnvelope } from './envelope';

export interface OutboxRelayOptions {
  connectionString: string;
  /** The subgraph, which is also its Postgres schema and names its topic. */
  subgraph: string;
  bus: EventBus;
  log: Logger;
  batchSize?: number;
  /** Poll interval when no NOTIFY arrives (default 1 s; 100 ms with wakeup 'poll'). */
  pollMs?: number;
  /** LISTEN/NOTIFY, or polling only (OUTBOX_WAKEUP, for databases without NOTIFY). */
  wakeup?: 'notify' | 'poll';
  maxBackoffMs?: number;
  /** Published events older than this are deleted. Default 7 days, Kafka's default retention. */
  retentionMs?: number;
  /** How often to prune. Default hourly; 0 turns the timer off (prune() can still be called). */
  pruneEveryMs?: number;
}

export const DEFAULT_OUTBOX_RETENTION_MS = 7 * 24 * 3_600_000;
const PRUNE_BATCH = 5_000;

interface OutboxRow {
  id: string;
  seq: string;
  tenant_id: string;
  aggregate_type: string;
  aggregate_id: string;
  type: string;
  payload: EventEnvelope['payload'];
  actor_id: string | null;
  occurred_at: Date;
  traceparent: string | null;
  tracestate: string | null;
}

export class OutboxRelay {
  private readonly pool: Pool;
  private listener?: Client;
  private running = false;
  private wake?: () => void;
  /** A NOTIFY came while a batch was being published: look again at once instead of waiting. */
  private notified = false;
  private loop?: Promise<void>;
  private backoffMs = 0;
  private pruneTimer?: NodeJS.Timeout;
  private listenRetry?: NodeJS.Timeout;
  private listenBackoffMs = 100;
  private pruning?: Promise<unknown>;
  /** Published events since start (for benchmarks and health). */
  published = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.pool = observePool(guardPool(new Pool({ connectionString: options.connectionString, max: 2 }), 'outbox relay pool', options.log), { subgraph: options.subgraph, pool: 'relay' });
  }

  private get schema(): string {
    return `"${this.options.subgraph}"`;
  }

  private get wakeup(): 'notify' | 'poll' {
    return this.options.wakeup ?? setting('OUTBOX_WAKEUP');
  }

  async start(): Promise<void> {
    this.running = true;
    if (this.wakeup === 'notify') await this.listen().catch((error: unknown) => {
      this.running = false;
      throw error;
    });
    this.loop = this.run();
    const every = this.options.pruneEveryMs ?? 3_600_000;
    if (every > 0) {
      const tick = () => {
        this.pruning ??= this.prune()
          .catch((error) => this.options.log.warn({ err: error }, 'outbox prune failed; will retry'))
          .finally(() => (this.pruning = undefined));
      };
      this.pruneTimer = setInterval(tick, every).unref();
      tick();
    }
  }

  /**
   * The LISTEN connection. When the server ends it (failover, restart), it is replaced with backoff;
   * meanwhile the poll keeps publishing, and a wake-up after reconnecting covers missed notifies.
   */
  private async listen(): Promise<void> {
    const listener = guardConnection(new Client({ connectionString: this.options.connectionString }), 'outbox listener', this.options.log);
    this.listener = listener;
    listener.on('notification', () => this.poke());
    listener.once('end', () => {
      if (this.listener === listener) this.relisten();
    });
    try {
      await listener.connect();
      await listener.query(`LISTEN ${this.options.subgraph}_outbox`);
    } catch (error) {
      await listener.end().catch(() => undefined);
      throw error;
    }
  }

  /** Wakes the loop; a notification that comes while a batch runs is kept for when it ends (a
   *  commit after the batch's claim but before its end would otherwise wait for the poll). */
  private poke(): void {
    if (this.wake) this.wake();
    else this.notified = true;
  }

  private relisten(): void {
    if (!this.running || this.listenRetry) return;
    const delay = this.listenBackoffMs;
    this.listenBackoffMs = Math.min(delay * 2, this.options.maxBackoffMs ?? 5_000);
    this.listenRetry = setTimeout(() => {
      this.listenRetry = undefined;
      if (!this.running) return;
      this.listen().then(
        () => {
          this.listenBackoffMs = 100;
          this.options.log.info('outbox listener reconnected');
          this.poke();
        },
        () => this.relisten(),
      );
    }, delay);
  }

  /**
   * Deletes published events that occurred before now - retention, in batches, and returns how
   * many it deleted. Rows another relay is pruning at the same time are skipped, not waited for.
   */
  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - (this.options.retentionMs ?? DEFAULT_OUTBOX_RETENTION_MS));
    let deleted = 0;
    for (;;) {
      const { rowCount } = await this.pool.query(
        `DELETE FROM ${this.schema}.outbox WHERE id IN (
           SELECT id FROM ${this.schema}.outbox
            WHERE occurred_at < $1 AND published_at IS NOT NULL
            ORDER BY occurred_at
            LIMIT ${PRUNE_BATCH}
            FOR UPDATE SKIP LOCKED)`,
        [cutoff],
      );
      deleted += rowCount ?? 0;
      if ((rowCount ?? 0) < PRUNE_BATCH) break;
    }
    if (deleted) this.options.log.info({ deleted, before: cutoff.toISOString() }, 'outbox pruned');
    return deleted;
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.pruneTimer);
    clearTimeout(this.listenRetry);
    this.wake?.();
    await this.loop;
    await this.pruning;
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.notified = false;
      try {
        const published = await this.publishBatch();
        this.backoffMs = 0;
        if (published > 0) continue; // more may be waiting
      } catch (error) {
        this.backoffMs = Math.min(Math.max(this.backoffMs * 2, 100), this.options.maxBackoffMs ?? 5_000);
        // While the process stops (and its database may be stopping too), the next stop() ends the loop.
        if (!isShuttingDown()) this.options.log.warn({ err: error, retryInMs: this.backoffMs }, 'outbox relay could not publish; will retry');
      }
      if (this.notified && !this.backoffMs) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.backoffMs || (this.options.pollMs ?? (this.wakeup === 'poll' ? 100 : 1_000)));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Publishes one batch; returns how many rows it published. */
  async publishBatch(): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const events = await this.claim(client);
      if (events.length) {
        const claimedAt = Date.now();
        for (const event of events) eventStageDuration.observe({ stage: 'outbox_pickup' }, Math.max(0, claimedAt - Date.parse(event.occurredAt)) / 1000);
        await publishTraced(this.options.bus, topicFor(this.options.subgraph), events);
        eventStageDuration.observe({ stage: 'kafka_produce' }, (Date.now() - claimedAt) / 1000);
        await client.query(`UPDATE ${this.schema}.outbox SET published_at = now() WHERE id = ANY($1::uuid[])`, [events.map((e) => e.id)]);
      }
      await client.query('COMMIT');
      this.published += events.length;
      outboxPublished.inc({ subgraph: this.options.subgraph }, events.length);
      return events.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async claim(client: PoolClient): Promise<EventEnvelope[]> {
    const { rows } = await client.query<OutboxRow>(
      // ORDER BY o.seq, the bigint column: a bare "seq" would name the text alias and sort "10" before "9".
      `SELECT o.id, o.seq::text AS seq, o.tenant_id, o.aggregate_type, o.aggregate_id, o.type, o.payload, o.actor_id, o.occurred_at, o.traceparent, o.tracestate
         FROM ${this.schema}.outbox o
        WHERE o.published_at IS NULL
        ORDER BY o.seq
        LIMIT $1
        FOR UPDATE SKIP LOCKED`,
      [this.options.batchSize ?? 200],
    );
    if (!rows.length) return [];
    // Earliest unpublished row of each claimed aggregate that is NOT in our claim (someone else has it).
    const { rows: blockers } = await client.query<{ aggregate_id: string; seq: string }>(
      `SELECT aggregate_id, min(seq)::text AS seq FROM ${this.schema}.outbox
        WHERE published_at IS NULL AND aggregate_id = ANY($1::uuid[]) AND id <> ALL($2::uuid[])
        GROUP BY aggregate_id`,
      [[...new Set(rows.map((r) => r.aggregate_id))], rows.map((r) => r.id)],
    );
    const blockedAfter = new Map(blockers.map((b) => [b.aggregate_id, BigInt(b.seq)]));
    return rows
      .filter((r) => {
        const blocker = blockedAfter.get(r.aggregate_id);
        return blocker === undefined || BigInt(r.seq) < blocker;
      })
      .map((r) => ({
        id: r.id,
        seq: r.seq,
        source: this.options.subgraph,
        tenantId: r.tenant_id,
        type: r.type,
        aggregateType: r.aggregate_type,
        aggregateId: r.aggregate_id,
        actor: { userId: r.actor_id, apiKeyId: (r.payload.audit?.apiKeyId as string | null | undefined) ?? null },
        occurredAt: r.occurred_at.toISOString(),
        version: 1 as const,
        payload: r.payload,
        ...(r.traceparent ? { traceparent: r.traceparent } : {}),
        ...(r.traceparent && r.tracestate ? { tracestate: r.tracestate } : {}),
      }));
  }

  /** Unpublished rows and the age of the oldest (the metrics' outbox backlog and relay lag). */
  async backlog(): Promise<{ backlog: number; oldestAgeSeconds: number }> {
    const { rows } = await this.pool.query<{ backlog: number; age: number }>(
      `SELECT count(*)::int AS backlog, COALESCE(EXTRACT(EPOCH FROM now() - min(occurred_at)), 0)::float8 AS age
         FROM ${this.schema}.outbox WHERE published_at IS NULL`,
    );
    return { backlog: rows[0].backlog, oldestAgeSeconds: Math.max(0, rows[0].age) };
  }
}

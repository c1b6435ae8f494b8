// The background half of the database state machine: it finishes what the API started. Each
// step() moves every instance waiting on the infrastructure one status on (provisioning →
// available | failed, deleting → deleted), one row per transaction, each move with its event.
// It has no tenant: it finds the waiting instances through platform.pending_database_instances()
// (ids only, across tenants under row-level security), then moves each one in a transaction of its
// own tenant. Rows are claimed with FOR UPDATE SKIP LOCKED and re-checked, so several platform
// instances can step at once and each instance still moves once. The subgraph process calls step()
// on a timer; tests call it directly.
import { anonymousCaller, diffFields, isShuttingDown, recordChange, rootLogger, setting, snapshot, withTenant, type Logger } from '@bacbos/common';
import type { PlatformDb } from '../../db';
import type { DatabaseInstance, Prisma } from '../../generated/prisma/client';
import { connectionStringOf, unsupportedReason } from './catalog';
import { transition, type DatabaseStatus } from './state-machine';

export interface DatabaseMove {
  id: string;
  tenantId: string;
  from: DatabaseStatus;
  to: DatabaseStatus;
  failureReason: string | null;
}

export const DATABASE_FIELDS = ['id', 'name', 'engine', 'version', 'region', 'instanceType', 'status', 'connectionString', 'createdAt', 'updatedAt'];

/** Milliseconds between steps: DATABASE_PROVISIONER_INTERVAL_MS, 0 for off; off under jest, whose tests call step(). */
export function provisionerIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  return setting('DATABASE_PROVISIONER_INTERVAL_MS', env) ?? (env.NODE_ENV === 'test' ? 0 : 2_000);
}

export class DatabaseProvisioner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly db: PlatformDb,
    private readonly log: Logger = rootLogger.child({ subgraph: 'platform', component: 'database-provisioner' }),
    private readonly batchSize = 50,
  ) {}

  /** Moves up to batchSize waiting instances one status on; returns the moves, oldest instance first. */
  async step(): Promise<DatabaseMove[]> {
    const pending = await withTenant(null, () =>
      this.db.$queryRaw<{ id: string; tenant_id: string }[]>`SELECT id, tenant_id FROM platform.pending_database_instances(${this.batchSize}::int)`);
    const moves: DatabaseMove[] = [];
    for (const { id, tenant_id: tenantId } of pending) {
      const move = await withTenant(tenantId, () => this.moveOne(id));
      if (move) moves.push(move);
    }
    return moves;
  }

  /** Null when another provisioner holds the row or has already moved it. */
  private moveOne(id: string): Promise<DatabaseMove | null> {
    return this.db.$transaction(async (tx) => {
      const [claimed] = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM platform.database_instances
        WHERE id = ${id}::uuid AND status IN ('provisioning', 'deleting') FOR UPDATE SKIP LOCKED`;
      if (!claimed) return null;
      const before = await tx.databaseInstance.findUniqueOrThrow({ where: { id } });
      const { status, data, failureReason } = outcome(before);
      const after = await tx.databaseInstance.update({ where: { id }, data: { status: transition(before.status, status), ...data } });
      await recordChange(tx, anonymousCaller(), {
        type: 'platform.database_instance.status_changed', aggregateType: 'DatabaseInstance', aggregateId: after.id, action: 'update',
        tenantId: after.tenantId,
        changes: { ...diffFields(before, after, ['status', 'connectionString']), ...(failureReason ? { failureReason: { from: null, to: failureReason } } : {}) },
        data: { ...snapshot(after, DATABASE_FIELDS), failureReason },
      });
      return { id: after.id, tenantId: after.tenantId, from: before.status as DatabaseStatus, to: status, failureReason };
    });
  }

  /** Runs step() every intervalMs (0: never) without overlapping runs; the timer never keeps the process alive. */
  start(intervalMs: number = provisionerIntervalMs()): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.step()
        .then((moves) => { if (moves.length) this.log.info({ moves }, 'database instances moved'); })
        // A step cut short by the process (and maybe its database) stopping is no failure to report.
        .catch((error: unknown) => (isShuttingDown() ? this.log.debug({ err: error }, 'database provisioner step ended by the shutdown') : this.log.error({ err: error }, 'database provisioner step failed')))
        .finally(() => { this.running = undefined; });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

/** What the infrastructure makes of a pending instance. */
function outcome(instance: DatabaseInstance): { status: DatabaseStatus; data: Prisma.DatabaseInstanceUpdateInput; failureReason: string | null } {
  if (instance.status === 'deleting') return { status: 'deleted', data: { connectionString: null }, failureReason: null };
  const reason = unsupportedReason(instance);
  if (reason) return { status: 'failed', data: { connectionString: null, metrics: { failureReason: reason } }, failureReason: reason };
  return { status: 'available', data: { connectionString: connectionStringOf(instance), metrics: {} }, failureReason: null };
}

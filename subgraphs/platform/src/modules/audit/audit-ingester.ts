// The tenant-wide audit trail. Every subgraph writes each mutation's audit entry into its own
// outbox in the same transaction as the change (see EVENTS.md); this consumer materialises them
// into platform.audit_logs. The audit_logs id is the event id, so a redelivered event (delivery is
// at least once) inserts nothing twice. Events of tenants this database does not know (another
// environment sharing the broker) are skipped.
import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { ALL_TOPICS, guardPool, observePool, type EventBus, type EventEnvelope, type Logger } from '@bacbos/common';

export class AuditIngester {
  private readonly pool: Pool;
  private readonly knownTenants = new Map<string, boolean>();
  ingested = 0;

  constructor(private readonly connectionString: string, private readonly log: Logger) {
    this.pool = observePool(guardPool(new Pool({ connectionString, max: 2 }), 'audit ingester pool', log), { subgraph: 'platform', pool: 'audit' });
  }

  /** One consumer group per database: each environment reads every event once, from the start. */
  async start(bus: EventBus): Promise<() => Promise<void>> {
    const groupId = `platform-audit-${createHash('sha256').update(this.connectionString).digest('hex').slice(0, 12)}`;
    const stop = await bus.subscribe({ groupId, name: 'platform-audit', topics: ALL_TOPICS, fromBeginning: true, onEvent: (event) => this.ingest(event) });
    return async () => {
      await stop();
      await this.pool.end();
    };
  }

  private async tenantKnown(tenantId: string): Promise<boolean> {
    const cached = this.knownTenants.get(tenantId);
    if (cached !== undefined) return cached;
    // An event is produced only after its tenant committed, so "unknown" is final for this database.
    const { rowCount } = await this.pool.query('SELECT 1 FROM platform.tenants WHERE id = $1', [tenantId]);
    this.knownTenants.set(tenantId, rowCount === 1);
    return rowCount === 1;
  }

  async ingest(event: EventEnvelope): Promise<void> {
    const audit = event.payload.audit;
    if (!audit || !(await this.tenantKnown(event.tenantId))) return;
    try {
      await this.pool.query(
        `INSERT INTO platform.audit_logs (id, tenant_id, user_id, api_key_id, action, resource_type, resource_id, ip_address, user_agent, changes, timestamp)
         SELECT $1, $2, u.id, $4, $5, $6, $7, $8, $9, $10, ($11::timestamptz AT TIME ZONE 'UTC')
           FROM (SELECT 1) one LEFT JOIN platform.users u ON u.id = $3::uuid AND u.tenant_id = $2
         ON CONFLICT (id) DO NOTHING`,
        [
          event.id, event.tenantId, audit.userId, audit.apiKeyId, audit.action, audit.resourceType, audit.resourceId,
          audit.ipAddress?.slice(0, 50) ?? null, audit.userAgent, JSON.stringify(audit.changes ?? {}), event.occurredAt,
        ],
      );
      this.ingested += 1;
    } catch (error) {
      this.log.error({ err: error, eventId: event.id }, 'could not write the audit entry');
      throw error;
    }
  }
}

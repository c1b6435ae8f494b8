// The tenant setting of row-level security sent in the same round trip as the statement that
// needs it. A pooled connection that served another tenant (or none) must get `app.tenant_id`
// before its next statement; sent alone, that is one more round trip per checkout. Here the
// set_config and the statement go out in one write, as one extended-protocol pipeline closed by a
// single Sync: PostgreSQL runs both in one implicit transaction, so the statement never runs
// unless the setting took (an error in set_config skips everything up to the Sync), and when
// either fails both are rolled back (the caller then forgets what the connection holds).
import { Query, type QueryConfig } from 'pg';

export const SET_TENANT_SQL = "SELECT set_config('app.tenant_id', $1, false)";

/** The messages of pg's Connection a query writes (pg/lib/connection.js). */
interface WireConnection {
  parse(message: { text: string; name?: string; types?: number[] }): void;
  bind(message: { portal?: string; statement?: string; values: unknown[] }): void;
  execute(message: { portal?: string; rows?: number }): void;
}

/** What pg's Query does per protocol message (pg/lib/query.js; not in its type declarations). */
interface QueryInternals {
  requiresPreparation(): boolean;
  prepare(connection: WireConnection): void;
  handleRowDescription(message: unknown): void;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: WireConnection): void;
  callback?: (error: Error | null | undefined, result?: unknown) => void;
}
const BaseQuery = Query as unknown as new (config: unknown, values?: unknown) => QueryInternals;

/**
 * Only statements that may share an implicit transaction with the setting are sent with it: a
 * BEGIN would turn that implicit transaction into the explicit one, and a ROLLBACK of it would
 * undo the setting the pool believes the connection holds.
 */
const PIPELINABLE = /^\s*(select|with|insert|update|delete)\b/i;

export function canCarryTenant(text: unknown): boolean {
  return typeof text === 'string' && PIPELINABLE.test(text);
}

/** A query preceded on the wire by `set_config('app.tenant_id', <tenant>)`; its answer is the query's alone. */
export class TenantQuery extends BaseQuery {
  /** True once the set_config's CommandComplete has arrived: the messages after it are the query's. */
  private settingDone = false;

  constructor(private readonly tenant: string, config: QueryConfig) {
    super(config);
  }

  override requiresPreparation(): boolean {
    return true; // the extended protocol: two statements, one Sync
  }

  override prepare(connection: WireConnection): void {
    connection.parse({ text: SET_TENANT_SQL, name: '', types: [] });
    connection.bind({ portal: '', statement: '', values: [this.tenant] }); // a string: nothing to map
    connection.execute({ portal: '' }); // no Describe: its one DataRow is dropped below
    super.prepare(connection); // Parse/Bind/Describe/Execute of the query, then the Sync
  }

  override handleRowDescription(message: unknown): void {
    if (this.settingDone) super.handleRowDescription(message);
  }

  override handleDataRow(message: unknown): void {
    if (this.settingDone) super.handleDataRow(message);
  }

  override handleCommandComplete(message: unknown, connection: WireConnection): void {
    if (this.settingDone) super.handleCommandComplete(message, connection);
    else this.settingDone = true;
  }
}

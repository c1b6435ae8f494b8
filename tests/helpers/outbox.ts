// Reading a subgraph's outbox from the tests: the events a mutation wrote (with their audit
// entries), and the check that a failed mutation wrote none.
import type { Client } from 'pg';
import type { SubgraphName } from '@bacbos/common';
import type { GraphQLResponse } from './graphql';

export interface OutboxEventRow {
  id: string;
  type: string;
  aggregate_type: string;
  tenant_id: string;
  actor_id: string | null;
  payload: any;
}

/** `db` is read at each call, so a suite may connect in beforeAll. */
export function outboxProbe(schema: SubgraphName, db: () => Client) {
  const outboxCount = async (tenantId: string): Promise<number> =>
    (await db().query(`SELECT count(*)::int AS n FROM ${schema}.outbox WHERE tenant_id = $1`, [tenantId])).rows[0].n;

  /** The events of one object, in commit order. */
  const eventsOf = async (aggregateId: string): Promise<OutboxEventRow[]> =>
    (await db().query(`SELECT id, type, aggregate_type, tenant_id, actor_id, payload FROM ${schema}.outbox WHERE aggregate_id = $1 ORDER BY seq`, [aggregateId])).rows;

  /** The call fails with `code` (and `field`), returns no data and writes no outbox row for the tenant. */
  async function failsCleanly(tenantId: string, call: () => Promise<GraphQLResponse>, code: string, field?: string): Promise<GraphQLResponse> {
    const before = await outboxCount(tenantId);
    const res = await call();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
    expect(res.data?.[Object.keys(res.data ?? {})[0]] ?? null).toBeNull();
    expect(await outboxCount(tenantId)).toBe(before);
    return res;
  }

  return { outboxCount, eventsOf, failsCleanly };
}

// The gateway's query-plan cache: ApolloGateway's documented `queryPlannerConfig.cache`, holding
// QUERY_PLAN_CACHE_ENTRIES plans (least recently used out first), and filled before the gateway
// listens with a plan for every query and mutation of the persisted manifest, so the first request
// of a contract operation does not pay for planning (tens of ms of CPU each, blocking the event
// loop). Subscriptions are not planned: the hub runs their payload queries (subscriptions/hub.ts).
import { createHash } from 'node:crypto';
import { operationFromDocument, type Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan, type QueryPlanCache } from '@apollo/query-planner';
import { ConfigError, queryPlans, setting } from '@bacbos/common';
import { parse } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { PersistedOperation } from './persisted';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The keys ApolloGateway looks a plan up by (its executor): Apollo Server's queryHash, the sha256 of
 * the document (= the manifest id), hashed again with the operation name when the request names
 * one. A client may send the name (@bacbos/client does) or not, so a warmed plan is kept under both.
 */
export const planKeys = (operation: PersistedOperation): string[] => [operation.id, sha256(operation.id + operation.name)];

export interface WarmedPlans {
  /** Operations planned and cached. */
  operations: number;
  /** Operations of the manifest this supergraph does not serve. */
  skipped: number;
  ms: number;
}

export class PlanCache implements QueryPlanCache {
  private readonly plans: LRUCache<string, QueryPlan>;

  constructor(readonly capacity: number = setting('QUERY_PLAN_CACHE_ENTRIES')) {
    this.plans = new LRUCache({ max: capacity });
  }

  get size(): number {
    return this.plans.size;
  }

  async get(key: string): Promise<QueryPlan | undefined> {
    return this.plans.get(key);
  }

  /** Called by the gateway after it planned a request's operation: a cache miss. */
  async set(key: string, plan: QueryPlan): Promise<void> {
    queryPlans.inc({ source: 'request' });
    this.plans.set(key, plan);
  }

  async delete(key: string): Promise<boolean> {
    return this.plans.delete(key);
  }

  clear(): void {
    this.plans.clear();
  }

  /** The manifest's operations to plan; a ConfigError when the cache cannot hold them. */
  checkCapacity(operations: PersistedOperation[]): PersistedOperation[] {
    const planned = operations.filter((o) => o.type !== 'subscription');
    const keys = planned.length * 2;
    if (keys > this.capacity) {
      throw new ConfigError([`QUERY_PLAN_CACHE_ENTRIES: ${this.capacity} cannot hold the ${keys} plans of the persisted manifest's ${planned.length} queries and mutations (two keys each): set it to at least ${keys}`]);
    }
    return planned;
  }

  /**
   * Plans every query and mutation of the manifest over the supergraph the gateway serves, with a
   * planner of its own (the gateway's is private; plans are plain data) and the gateway's default
   * planner options. Call it after the gateway loaded its schema: a (re)load clears the cache.
   */
  warm(supergraph: Supergraph, operations: PersistedOperation[]): WarmedPlans {
    const started = performance.now();
    const planned = this.checkCapacity(operations);
    const api = supergraph.apiSchema();
    let planner: QueryPlanner | undefined; // built on the first operation that validates (~150 ms of CPU)
    let skipped = 0;
    for (const operation of planned) {
      let parsed: ReturnType<typeof operationFromDocument>;
      try {
        parsed = operationFromDocument(api, parse(operation.body), { operationName: operation.name });
      } catch {
        // Not an operation of this supergraph (the gateway serves any supergraph file: the federation
        // audit's have none of ours). On our own supergraph every one validates (check-contract).
        skipped += 1;
        continue;
      }
      planner ??= new QueryPlanner(supergraph);
      // A valid operation that cannot be planned is a bug to see at start, not at the first request.
      const plan = planner.buildQueryPlan(parsed);
      for (const key of planKeys(operation)) this.plans.set(key, plan);
      queryPlans.inc({ source: 'warm_up' });
    }
    return { operations: planned.length - skipped, skipped, ms: Math.round(performance.now() - started) };
  }
}

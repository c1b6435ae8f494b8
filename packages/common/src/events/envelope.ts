// The event envelope: the contract between the subgraphs that emit events and their consumers
// (the gateway's subscriptions, the platform's audit trail). EVENTS.md documents it for humans.
export interface EventEnvelope {
  /** Unique id (the outbox row id); consumers drop duplicates by it (delivery is at least once). */
  id: string;
  /** Position in the emitting subgraph's outbox; increases in commit order for one aggregate. */
  seq: string;
  /** Subgraph that emitted the event (and owns the aggregate). */
  source: string;
  tenantId: string;
  /** `<subgraph>.<aggregate>.<verb>`, e.g. `crm.contact.updated`. */
  type: string;
  aggregateType: string;
  aggregateId: string;
  actor: { userId: string | null; apiKeyId: string | null };
  occurredAt: string;
  /** Envelope version; bumped only for breaking changes of this shape. */
  version: 1;
  payload: { data: Record<string, unknown>; audit?: AuditPayload };
  /** W3C trace context of the publish (a child of the mutation's trace); absent when untraced. */
  traceparent?: string;
  tracestate?: string;
}

export interface AuditPayload {
  action: string;
  resourceType: string;
  resourceId: string | null;
  userId: string | null;
  apiKeyId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  changes: Record<string, unknown>;
}

/** One topic per subgraph; the key is the aggregate id, so one object's events stay in order. */
export const topicFor = (subgraph: string) => `bacbos.${subgraph}.events`;
// ALL_TOPICS, one per subgraph of the manifest, is in ../manifest.ts.

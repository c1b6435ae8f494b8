// Domain events through the transactional outbox: a mutation writes its event into its own
// subgraph's `outbox` table in the same transaction as the change, so a rolled-back mutation
// leaves no event, and a committed one always has its event. The event carries the audit entry
// (who, what, which fields changed) so the platform can keep one tenant-wide audit trail without
// any subgraph writing another subgraph's tables. See EVENTS.md for the envelope.
import type { CallerIdentity } from './identity';
import { currentTraceContext } from './trace-context';

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

export interface DomainChange {
  /** `<subgraph>.<aggregate>.<verb>`, e.g. `crm.contact.created`. */
  type: string;
  /** GraphQL type of the object, e.g. `Contact`. */
  aggregateType: string;
  aggregateId: string;
  /** The audit action: `create`, `update`, `delete`, `login`, `convert`, ... */
  action: string;
  /** Changed fields (`{ field: { from, to } }`); secrets are dropped by `recordChange`. */
  changes?: FieldChanges;
  /** The object's state after the change, for subscribers (ids and plain fields only). */
  data?: Record<string, unknown>;
  /** For changes made before the caller has a tenant (sign-up, log-in): the tenant and the user. */
  tenantId?: string;
  userId?: string;
}

/** The part of a subgraph's Prisma transaction client that `recordChange` needs. */
export interface OutboxWriter {
  outboxEvent: { create(args: { data: OutboxRow }): PromiseLike<unknown> };
}

export interface OutboxRow {
  tenantId: string;
  aggregateType: string;
  aggregateId: string;
  type: string;
  payload: object;
  actorId: string | null;
  /** W3C trace context of the mutation, so the relay's publish joins its trace (null: untraced). */
  traceparent: string | null;
  tracestate: string | null;
}

/** Field names that never appear in an audit entry or an event, whatever the model. */
const SECRET_FIELD = /password|secret|hash|token|mfa|key$/i;

export function redactChanges(changes: FieldChanges | undefined): FieldChanges {
  return Object.fromEntries(Object.entries(changes ?? {}).filter(([field]) => !SECRET_FIELD.test(field)));
}

function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object' && 'toFixed' in value && typeof (value as { toFixed: unknown }).toFixed === 'function') {
    return (value as { toString(): string }).toString();
  }
  return value;
}

/** `{ field: { from, to } }` for the listed fields that differ between two states of an object. */
export function diffFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null, fields: string[]): FieldChanges {
  const changes: FieldChanges = {};
  for (const field of fields) {
    const from = plain(before?.[field] ?? null);
    const to = plain(after?.[field] ?? null);
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
  }
  return changes;
}

/** A JSON-safe snapshot of the listed fields. */
export function snapshot(object: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, plain(object[f] ?? null)]));
}

/** The active trace context, fitted to the outbox columns (an oversized tracestate is dropped). */
function outboxTraceContext(): { traceparent: string | null; tracestate: string | null } {
  const { traceparent, tracestate } = currentTraceContext();
  return { traceparent, tracestate: tracestate && tracestate.length <= 512 ? tracestate : null };
}

/** Writes the change's event (with its audit entry) in the caller's transaction. */
export async function recordChange(tx: OutboxWriter, caller: CallerIdentity, change: DomainChange): Promise<void> {
  const tenantId = change.tenantId ?? caller.tenantId;
  const userId = change.userId ?? caller.userId;
  if (!tenantId) throw new Error('recordChange needs a tenant');
  await tx.outboxEvent.create({
    data: {
      tenantId,
      aggregateType: change.aggregateType,
      aggregateId: change.aggregateId,
      type: change.type,
      actorId: userId,
      ...outboxTraceContext(),
      payload: {
        data: change.data ?? {},
        audit: {
          action: change.action,
          resourceType: change.aggregateType,
          resourceId: change.aggregateId,
          userId,
          apiKeyId: caller.apiKeyId,
          ipAddress: caller.ipAddress,
          userAgent: caller.userAgent,
          changes: redactChanges(change.changes),
        },
      },
    },
  });
}

// Trace context across the event pipeline (mutation → outbox row → relay publish → gateway
// delivery), on the OpenTelemetry API only: without the SDK (tracing off) every call here is a
// cheap no-op, and events simply carry no trace context.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { EventBus } from './events/bus';
import type { EventEnvelope } from './events/envelope';

export const tracer = trace.getTracer('bacbos');

/** W3C trace context headers, as an outbox row and an event envelope carry them. */
export interface TraceCarrier {
  traceparent?: string | null;
  tracestate?: string | null;
}

/** The W3C trace context of the active span (nulls when there is none or tracing is off). */
export function currentTraceContext(ctx: Context = context.active()): { traceparent: string | null; tracestate: string | null } {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return { traceparent: carrier.traceparent ?? null, tracestate: carrier.tracestate ?? null };
}

/** The context to continue a carried trace in (undefined when nothing usable is carried). */
export function carriedContext(carrier: TraceCarrier): Context | undefined {
  if (!carrier.traceparent) return undefined;
  const headers: Record<string, string> = { traceparent: carrier.traceparent };
  if (carrier.tracestate) headers.tracestate = carrier.tracestate;
  const extracted = propagation.extract(ROOT_CONTEXT, headers);
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

function fail(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * Publishes a relay batch with one PRODUCER span per event, each a child of the trace its mutation
 * wrote into the outbox row. Each event then carries its publish span's context, so a consumer's
 * span becomes a child of the publish (mutation → outbox.publish → subscription.dispatch).
 */
export async function publishTraced(bus: EventBus, topic: string, events: EventEnvelope[]): Promise<void> {
  const spans: Span[] = [];
  for (const event of events) {
    const parent = carriedContext(event);
    if (!parent) continue;
    const span = tracer.startSpan(
      `outbox.publish ${event.type}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': bus.kind,
          'messaging.operation.type': 'send',
          'messaging.destination.name': topic,
          'messaging.message.id': event.id,
          'bacbos.event.type': event.type,
          'bacbos.event.source': event.source,
          'bacbos.batch.size': events.length,
        },
      },
      parent,
    );
    spans.push(span);
    const carried = currentTraceContext(trace.setSpan(parent, span));
    // Tracing off in this process: pass the mutation's context through unchanged.
    if (carried.traceparent) {
      event.traceparent = carried.traceparent;
      if (carried.tracestate) event.tracestate = carried.tracestate;
      else delete event.tracestate;
    }
  }
  try {
    await bus.publish(topic, events);
  } catch (error) {
    for (const span of spans) fail(span, error);
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}

/**
 * The span of one event's delivery at the gateway: a CONSUMER child of the event's publish span
 * (a new trace when the event carries none). Work run in `run` (the payload query through the
 * gateway) becomes its child.
 */
export function startDeliverySpan(event: EventEnvelope, topic: string, subscriptions: number): { span: Span; run<T>(work: () => T): T } {
  const parent = carriedContext(event) ?? ROOT_CONTEXT;
  const span = tracer.startSpan(
    `subscription.dispatch ${event.type}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.message.id': event.id,
        'bacbos.event.type': event.type,
        'bacbos.subscriptions': subscriptions,
      },
    },
    parent,
  );
  const active = trace.setSpan(parent, span);
  return { span, run: (work) => context.with(active, work) };
}

/**
 * Runs `work` in a new span that continues the W3C trace context of an incoming request's headers
 * (a new trace without them): for work outside the HTTP server's own spans, like a WebSocket's
 * connection_init and subscribe messages, which arrive long after its upgrade request.
 */
export async function withIncomingSpan<T>(name: string, headers: Record<string, string | string[] | undefined>, work: () => Promise<T>): Promise<T> {
  const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(',') : value);
  const parent = carriedContext({ traceparent: header(headers.traceparent), tracestate: header(headers.tracestate) }) ?? ROOT_CONTEXT;
  return context.with(parent, () => withSpan(name, {}, work));
}

/** Times `work` as a child span of the active one; records a thrown error on it. */
export async function withSpan<T>(name: string, attributes: Record<string, string | number | boolean>, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      fail(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

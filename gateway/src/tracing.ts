// The gateway's fetch spans named after their subgraph. No-op when tracing is off.
import { trace, type Span } from '@opentelemetry/api';

/** Renames Apollo's active `gateway.fetch` span to `gateway.fetch <subgraph>` (called in willSendRequest). */
export function nameFetchSpan(subgraph: string): void {
  const span = trace.getActiveSpan() as (Span & { name?: string }) | undefined;
  if (span?.name === 'gateway.fetch') span.updateName(`gateway.fetch ${subgraph}`);
}

// OpenTelemetry tracing, imported FIRST by every entry point (scripts/start.ts, gateway/src/main.ts,
// subgraphs/*/src/main.ts): instrumentations patch http, express, pg, ioredis and graphql only if
// they are registered before those modules are loaded.
//
// Off unless the operator names a trace exporter or an OTLP endpoint through the standard OTEL_*
// variables. When off, the SDK is not even loaded (it costs ~0.5 s of start-up) and nothing connects
// anywhere: unconfigured, the SDK would export to http://localhost:4318 by default.
//
// This is the one place that reads OTEL_* variables to decide; the SDK reads the rest itself
// (OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_EXPORTER_OTLP_HEADERS, OTEL_BSP_*, ...).

type Env = Record<string, string | undefined>;

const set = (value: string | undefined): boolean => Boolean(value?.trim());

/** True when the OTEL_* variables ask for traces (and OTEL_SDK_DISABLED does not forbid them). */
export function tracingRequested(env: Env = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (exporters.length) return !(exporters.length === 1 && exporters[0] === 'none');
  return set(env.OTEL_EXPORTER_OTLP_ENDPOINT) || set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

let shutdown: (() => Promise<void>) | undefined;

if (tracingRequested()) {
  // A synchronous require on purpose: the SDK must be running before the next import of the entry
  // point loads the modules it instruments, and CommonJS has no top-level await.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('./tracing-sdk') as typeof import('./tracing-sdk');
  shutdown = sdk.startTracing();
}

/** True when this process exports traces. */
export const tracingEnabled = (): boolean => shutdown !== undefined;

/** Exports the spans still buffered and stops the SDK; call on shutdown (a no-op when off). */
export async function shutdownTracing(): Promise<void> {
  await shutdown?.();
}

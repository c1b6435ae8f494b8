// The OpenTelemetry Node SDK with the instrumentations this platform needs. Loaded by tracing.ts
// only when the OTEL_* variables ask for traces; the exporter (otlp over http/protobuf, http/json
// or grpc; console; zipkin), its endpoint, headers, the service name, the sampler and the batch
// settings all come from the standard OTEL_* variables, read by the SDK itself.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

/** Probes and scrapes are not client operations: no trace for them. */
const UNTRACED_PATHS = /^\/(health|metrics)(\/|$|\?)/;

/** Starts the SDK; returns its shutdown (which exports the spans still buffered). */
export function startTracing(): () => Promise<void> {
  const sdk = new NodeSDK({
    // Traces only: metrics are Prometheus' (/metrics), logs are pino's on stdout. Without these two
    // the SDK would also push OTLP metrics and logs by default.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
        // A client call outside any operation (a background timer) is not worth a trace of its own.
        requireParentforOutgoingSpans: true,
      }),
      // Only the route (http.route on the server span); a span per middleware is noise.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
      // fetch() (undici): the gateway's calls to the platform's /internal endpoints and the OAuth
      // token endpoint, so their server spans join the caller's trace.
      new UndiciInstrumentation({ requireParentforSpans: true }),
      // No graphql instrumentation: it traces every parse of the schemas at start-up (hundreds of
      // one-span traces) and has no parent requirement; operation-span.ts names the operations.
      // Statements of an operation only: the relays' 1 s polls would otherwise make a trace each.
      // The statement text has placeholders; parameter values are not recorded.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  return () => sdk.shutdown();
}

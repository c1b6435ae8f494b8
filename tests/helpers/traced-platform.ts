// The whole platform in a child process, started like `npm start` (tracing first, then everything
// else), on ephemeral ports: OpenTelemetry patches modules as Node's loader loads them, which
// jest's own module registry bypasses, so the tracing tests run the platform here. Prints one JSON
// line with the gateway URL and what tracing did; SIGTERM stops it after flushing the spans.
import { shutdownTracing, tracingEnabled } from '@bacbos/common/tracing';
import http from 'node:http';
import { startPlatform } from './platform';

async function main(): Promise<void> {
  const platform = await startPlatform();
  const loaded = Object.keys(require.cache);
  process.stdout.write(
    `${JSON.stringify({
      gatewayUrl: platform.gatewayUrl,
      tracing: tracingEnabled(),
      sdkLoaded: loaded.some((file) => file.includes('@opentelemetry/sdk-node')),
      // The http instrumentation wraps http.request (shimmer marks it __wrapped).
      httpPatched: Boolean((http.request as { __wrapped?: boolean }).__wrapped),
    })}\n`,
  );
  process.once('SIGTERM', () => {
    void (async () => {
      await platform.stop();
      await shutdownTracing();
      process.exit(0);
    })();
  });
}

main().catch((error) => {
  process.stderr.write(`traced platform failed: ${(error as Error).stack}\n`);
  process.exit(1);
});

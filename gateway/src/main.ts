// Runs the gateway on its own (docker-compose, production) over the committed supergraph;
// SIGTERM/SIGINT stop it cleanly (packages/common/src/lifecycle.ts).
import { shutdownTracing } from '@bacbos/common/tracing'; // first: instruments the modules the next imports load (off unless OTEL_* asks)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessTokenSecret, createEventBus, internalContextSecret, portFor, runProcess, validateConfig } from '@bacbos/common';
import { startGateway } from './app';
import { subgraphUrlsFromEnv } from './subgraph-urls';

runProcess(
  'gateway',
  async () => {
    validateConfig('gateway'); // a bad value stops it here, naming the variable
    const bus = createEventBus('gateway');
    const gateway = await startGateway({
      supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH ?? join(__dirname, '../../schema/supergraph.graphql'), 'utf8'),
      subgraphUrls: subgraphUrlsFromEnv(),
      internalContextSecret: internalContextSecret(),
      accessTokenSecret: accessTokenSecret(),
      port: portFor('gateway'),
      host: process.env.HOST ?? '0.0.0.0',
      bus,
    });
    return async () => {
      await gateway.stop();
      await bus.close();
    };
  },
  { flush: shutdownTracing },
);

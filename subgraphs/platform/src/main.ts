// Runs the platform subgraph on its own (docker-compose, production). `npm start` runs every
// subgraph in one process instead (scripts/start.ts).
import '@bacbos/common/src/tracing'; // first: instruments the modules the next imports load (off unless OTEL_* asks)
import { createEventBus, portFor, startSubgraph } from '@bacbos/common';
import { platformSubgraph } from './index';

void startSubgraph(platformSubgraph(), { port: portFor('platform'), host: process.env.HOST ?? '0.0.0.0', bus: createEventBus('platform') });

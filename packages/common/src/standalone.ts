// A subgraph as a process of its own (docker-compose, the topology): its port and bus from the
// environment, stopped cleanly on SIGTERM/SIGINT (lifecycle.ts).
import { portFor, validateConfig, type SubgraphName } from './config';
import { createEventBus } from './events';
import { runProcess, type RunOptions } from './lifecycle';
import { startSubgraph, type SubgraphDefinition } from './subgraph-server';

export function runStandaloneSubgraph(name: SubgraphName, create: () => SubgraphDefinition<object>, options: RunOptions = {}): void {
  runProcess(name, async () => {
    validateConfig(name); // a bad value stops it here, naming the variable
    const bus = createEventBus(name);
    const running = await startSubgraph(create(), { port: portFor(name), host: process.env.HOST ?? '0.0.0.0', bus });
    return async () => {
      await running.stop();
      await bus.close();
    };
  }, options);
}

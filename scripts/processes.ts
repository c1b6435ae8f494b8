// The processes of a deployment, where each one starts from the compiled output, and the
// variables each needs and reads, taken from the configuration catalog
// (packages/common/src/config.ts): `npm run serve`, `npm run topology` and docker-compose.yml all
// follow this list (tests/deploy/compose.test.ts fails when compose drifts from it; the topology
// refuses to start a process it has no value for).
import { DEFAULT_PORTS, SETTINGS, SUBGRAPHS, deploymentVariables, type SettingName, type SubgraphName } from '@bacbos/common';
import { subgraphUrlVariable } from '@bacbos/gateway';

export { subgraphUrlVariable };

export type DeployedProcessName = 'migrate' | SubgraphName | 'gateway';

export interface DeployedProcess {
  name: DeployedProcessName;
  /** A job runs to completion before the servers start; a server keeps running. */
  kind: 'job' | 'server';
  /** The compiled entry point, relative to dist/. */
  entry: string;
  /** The variable holding the server's port (servers only), and its default. */
  portVariable?: string;
  defaultPort?: number;
  /** What a deployment must set (the catalog's `neededBy`): compose sets each, the topology too. */
  env: readonly string[];
  /** What else the process reads (defaults apply when unset). */
  optional: readonly string[];
}

/** Read by libraries, not by the platform's own settings. */
const LIBRARY_VARIABLES = ['NODE_ENV'];

function readBy(name: DeployedProcessName): string[] {
  return (Object.keys(SETTINGS) as SettingName[]).filter((setting) => (SETTINGS[setting].readBy as readonly string[]).includes(name));
}

function describe(name: DeployedProcessName, kind: DeployedProcess['kind'], entry: string, extra: string[]): DeployedProcess {
  const env = deploymentVariables(name);
  const portVariable = kind === 'server' ? `${name.toUpperCase()}_PORT` : undefined;
  const optional = [...readBy(name), ...extra, ...(portVariable ? [portVariable] : []), ...LIBRARY_VARIABLES].filter((v) => !env.includes(v));
  return { name, kind, entry, portVariable, defaultPort: kind === 'server' ? DEFAULT_PORTS[name as SubgraphName | 'gateway'] : undefined, env, optional: [...new Set(optional)] };
}

const perSubgraph = (name: SubgraphName) => [`${name.toUpperCase()}_DATABASE_URL`, `${name.toUpperCase()}_APP_DATABASE_URL`];

export const DEPLOYMENT: readonly DeployedProcess[] = [
  describe('migrate', 'job', 'scripts/migrate.js', SUBGRAPHS.flatMap(perSubgraph)),
  ...SUBGRAPHS.map((name) => describe(name, 'server', `subgraphs/${name}/src/main.js`, perSubgraph(name))),
  describe('gateway', 'server', 'gateway/src/main.js', SUBGRAPHS.map(subgraphUrlVariable)),
];

export function deployedProcess(name: string): DeployedProcess {
  const spec = DEPLOYMENT.find((p) => p.name === name);
  if (!spec) throw new Error(`unknown process '${name}' (expected one of: ${DEPLOYMENT.map((p) => p.name).join(', ')})`);
  return spec;
}

/** How a process is started from the compiled output (compose's `command`, the topology's spawn). */
export const commandOf = (spec: DeployedProcess): string[] => ['node', '--enable-source-maps', `dist/${spec.entry}`];

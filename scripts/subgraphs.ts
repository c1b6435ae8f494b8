// The subgraphs of the manifest (packages/common/src/manifest.ts), for the scripts that run or
// compose all of them at once. Each is loaded by the manifest's convention: the package
// `@bacbos/<name>` exports `<name>Modules` (its schema modules) and `<name>Subgraph()`, so a new
// subgraph needs its manifest entry and its folder, no line here.
import { SUBGRAPH_MANIFEST, type SubgraphDefinition, type SubgraphName } from '@bacbos/common';
import type { GraphQLSchemaModule } from '@apollo/subgraph/dist/schema-helper';

export interface SubgraphEntry {
  name: SubgraphName;
  modules: GraphQLSchemaModule[];
  create: () => SubgraphDefinition<object>;
  /** URL written into the committed supergraph (docker-compose service names). */
  productionUrl: string;
}

function load(name: SubgraphName, packageName: string, port: number): SubgraphEntry {
  // A computed name: the manifest, not an import list, says which packages exist.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(packageName) as Record<string, unknown>;
  const modules = exported[`${name}Modules`];
  const create = exported[`${name}Subgraph`];
  if (!Array.isArray(modules) || typeof create !== 'function') {
    throw new Error(`${packageName} must export ${name}Modules (its schema modules) and ${name}Subgraph() (see packages/common/src/manifest.ts)`);
  }
  return { name, modules: modules as GraphQLSchemaModule[], create: create as () => SubgraphDefinition<object>, productionUrl: `http://${name}:${port}/graphql` };
}

export const SUBGRAPH_ENTRIES: SubgraphEntry[] = SUBGRAPH_MANIFEST.map((s) => load(s.name, s.packageName, s.port));

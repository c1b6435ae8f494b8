// The five subgraphs, for the scripts that run or compose all of them at once.
import { DEFAULT_PORTS, type SubgraphDefinition, type SubgraphName } from '@bacbos/common';
import type { GraphQLSchemaModule } from '@apollo/subgraph/dist/schema-helper';
import { platformModules, platformSubgraph } from '@bacbos/platform';
import { crmModules, crmSubgraph } from '@bacbos/crm';
import { officeModules, officeSubgraph } from '@bacbos/office';
import { identityModules, identitySubgraph } from '@bacbos/identity';
import { hrModules, hrSubgraph } from '@bacbos/hr';

export interface SubgraphEntry {
  name: SubgraphName;
  modules: GraphQLSchemaModule[];
  create: () => SubgraphDefinition<object>;
  /** URL written into the committed supergraph (docker-compose service names). */
  productionUrl: string;
}

const entry = (name: SubgraphName, modules: GraphQLSchemaModule[], create: () => SubgraphDefinition<object>): SubgraphEntry => ({
  name, modules, create, productionUrl: `http://${name}:${DEFAULT_PORTS[name]}/graphql`,
});

export const SUBGRAPH_ENTRIES: SubgraphEntry[] = [
  entry('platform', platformModules, platformSubgraph as () => SubgraphDefinition<object>),
  entry('crm', crmModules, crmSubgraph as () => SubgraphDefinition<object>),
  entry('office', officeModules, officeSubgraph as () => SubgraphDefinition<object>),
  entry('identity', identityModules, identitySubgraph as () => SubgraphDefinition<object>),
  entry('hr', hrModules, hrSubgraph as () => SubgraphDefinition<object>),
];

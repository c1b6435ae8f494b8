// The identity subgraph on its own: _entities for each of its entity types, with a signed caller,
// two tenants and the real database (the gateway and the other subgraphs are not running).
import { identityModules, identitySubgraph } from '@bacbos/identity';
import { idsOf } from '../helpers/seed';
import { describeEntities, startSubgraphUnderTest } from '../helpers/subgraph';

describeEntities('identity', () => startSubgraphUnderTest(identitySubgraph()), identityModules, {
  Organization: {
    seed: async (seed) => idsOf(await seed.both('identity.organizations', (t) => ({ name: `Sales ${t.key}`, slug: `sales-${t.key}` }))),
    fields: 'id name slug status',
    own: (org, id, t) => expect(org).toEqual({ id, name: `Sales ${t.key}`, slug: `sales-${t.key}`, status: 'active' }),
  },
}, 'identity');

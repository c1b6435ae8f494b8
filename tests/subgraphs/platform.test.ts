// The platform subgraph on its own: _entities for each of its entity types, with a signed caller,
// two tenants and the real database (the gateway and the other subgraphs are not running).
import { platformModules, platformSubgraph } from '@bacbos/platform';
import { describeEntities, startSubgraphUnderTest } from '../helpers/subgraph';

describeEntities('platform', () => startSubgraphUnderTest(platformSubgraph()), platformModules, {
  // The caller's own tenant only.
  Tenant: {
    seed: async (seed) => ({ a: seed.a.tenantId, b: seed.b.tenantId }),
    fields: 'id slug plan enabledModules',
    own: (tenant, id, t) => expect(tenant).toEqual({ id, slug: t.slug, plan: 'professional', enabledModules: ['crm', 'office', 'hr', 'identity'] }),
  },
  // Users of the caller's tenant: the owners the gateway resolves for crm's lead owners, hr's employees, ...
  User: {
    seed: async (seed) => ({ a: seed.a.ownerId, b: seed.b.ownerId }),
    fields: 'id email lastName tenant { id }',
    own: (user, id, t) => expect(user).toEqual({ id, email: t.ownerEmail, lastName: `Owner${t.key.toUpperCase()}`, tenant: { id: t.tenantId } }),
  },
});

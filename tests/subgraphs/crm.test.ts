// The crm subgraph on its own: _entities for each of its entity types, with a signed caller, two
// tenants and the real database (the gateway and the other subgraphs are not running).
import { crmModules, crmSubgraph } from '@bacbos/crm';
import { idsOf } from '../helpers/seed';
import { describeEntities, startSubgraphUnderTest } from '../helpers/subgraph';

describeEntities('crm', () => startSubgraphUnderTest(crmSubgraph()), crmModules, {
  Contact: {
    seed: async (seed) => idsOf(await seed.both('crm.contacts', (t) => ({ first_name: 'Ada', last_name: t.key, email: `ada@${t.slug}.example` }))),
    fields: 'id firstName lastName email',
    own: (contact, id, tenant) => expect(contact).toEqual({ id, firstName: 'Ada', lastName: tenant.key, email: `ada@${tenant.slug}.example` }),
  },
  Lead: {
    seed: async (seed) => idsOf(await seed.both('crm.leads', (t) => ({ title: `Lead of ${t.key}`, owner_id: t.ownerId }))),
    fields: 'id title owner { id }',
    own: (lead, id, tenant) => expect(lead).toEqual({ id, title: `Lead of ${tenant.key}`, owner: { id: tenant.ownerId } }),
  },
  Opportunity: {
    seed: async (seed) => idsOf(await seed.both('crm.opportunities', (t) => ({ name: `Deal of ${t.key}`, amount: '1250.50' }))),
    fields: 'id name amount',
    own: (opportunity, id, tenant) => expect(opportunity).toEqual({ id, name: `Deal of ${tenant.key}`, amount: expect.stringMatching(/^1250\.5/) }),
  },
  // A platform User that crm extends with its leads: any id resolves (the platform owns the user),
  // but the leads are the caller's tenant's only.
  User: {
    seed: async (seed) => {
      for (const t of seed.tenants) await seed.insert('crm.leads', t, { title: `Owned by ${t.key}`, owner_id: t.ownerId });
      return { a: seed.a.ownerId, b: seed.b.ownerId };
    },
    fields: 'id leads(first: 10) { totalCount edges { node { title } } }',
    // The tenant's two leads owned by the user: this one and the Lead case's.
    own: (user, id, tenant) => {
      expect(user).toMatchObject({ id, leads: { totalCount: 2 } });
      expect(user!.leads.edges.map((e: any) => e.node.title).sort()).toEqual([`Lead of ${tenant.key}`, `Owned by ${tenant.key}`]);
    },
    foreign: (user, id) => expect(user).toEqual({ id, leads: { totalCount: 0, edges: [] } }),
  },
}, 'crm');

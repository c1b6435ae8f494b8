// One subgraph on its own, in the test process, without the gateway: its real server (the gate that
// verifies the signed caller header, RLS per request, masked errors) on an ephemeral loopback port,
// called as the gateway calls it. And the `_entities` checks every subgraph's test runs for each of
// its entity types, with two tenants.
import { randomUUID } from 'node:crypto';
import { Kind, type DocumentNode, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode } from 'graphql';
import { startSubgraph, type CallerIdentity, type RunningSubgraph, type SubgraphDefinition } from '@bacbos/common';
import { gql, type GraphQLResponse } from './graphql';
import { TwoTenantSeed, signedContext, type Row, type SeedTenant } from './seed';

export interface SubgraphUnderTest {
  running: RunningSubgraph;
  /** A GraphQL request with the caller signed as the gateway signs it (no caller: no header at all). */
  as(caller: CallerIdentity | null, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse>;
  stop(): Promise<void>;
}

export async function startSubgraphUnderTest<Context extends object>(definition: SubgraphDefinition<Context>): Promise<SubgraphUnderTest> {
  const running = await startSubgraph(definition, { port: 0 });
  return {
    running,
    as: (caller, query, variables = {}, headers = {}) => gql(running.url, query, variables, { ...(caller ? signedContext(caller) : {}), ...headers }),
    stop: () => running.stop(),
  };
}

type Module = { typeDefs: DocumentNode; resolvers?: unknown };

/**
 * The entity types a subgraph resolves by reference: every type with a resolvable `@key` in its
 * SDL and every type with a `__resolveReference` in its resolvers.
 */
export function resolvableEntities(modules: readonly Module[]): string[] {
  const names = new Set<string>();
  for (const module of modules) {
    for (const definition of module.typeDefs.definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      const type = definition as ObjectTypeDefinitionNode | ObjectTypeExtensionNode;
      const resolvable = (type.directives ?? []).some((d) => d.name.value === 'key'
        && !(d.arguments ?? []).some((a) => a.name.value === 'resolvable' && a.value.kind === Kind.BOOLEAN && a.value.value === false));
      if (resolvable) names.add(type.name.value);
    }
    for (const [typeName, fields] of Object.entries((module.resolvers ?? {}) as Record<string, unknown>)) {
      if (fields && typeof fields === 'object' && '__resolveReference' in fields) names.add(typeName);
    }
  }
  return [...names].sort();
}

/** How one entity type is checked: the pair of objects seeded for it and what each tenant should see. */
export interface EntityCase {
  /** Seeds one object of the type in each tenant and returns their ids. */
  seed(seed: TwoTenantSeed): Promise<{ a: string; b: string }>;
  /** The selection on the type, e.g. `id title`. */
  fields: string;
  /** What the tenant sees of its own object (default: the object, with its id). */
  own?: (entity: Row | null, id: string, tenant: SeedTenant) => void;
  /** What the tenant sees of the other tenant's object and of an unknown id (default: null). */
  foreign?: (entity: Row | null, id: string, tenant: SeedTenant) => void;
}

const defaultOwn = (entity: Row | null, id: string) => expect(entity).toEqual(expect.objectContaining({ id }));
const defaultForeign = (entity: Row | null) => expect(entity).toBeNull();
/** An object of another tenant behaves exactly like a missing one: null, at most with NOT_FOUND. */
const onlyNotFound = (response: GraphQLResponse) =>
  expect((response.errors ?? []).filter((e) => e.extensions?.code !== 'NOT_FOUND')).toEqual([]);

/**
 * The `_entities` suite of one subgraph: the cases cover exactly its resolvable entity types, each
 * tenant's owner resolves its own object and gets null for the other tenant's and for an unknown
 * id, in one batched call as the gateway makes it; an unsigned or foreign-signed call is refused.
 */
export function describeEntities(
  name: string,
  start: () => Promise<SubgraphUnderTest>,
  modules: readonly Module[],
  cases: Record<string, EntityCase>,
  /** The module a tenant switches on for this subgraph (GATED_MODULES); its first case is refused without it. */
  gatedModule?: string,
): void {
  describe(`${name}: _entities in process, without the gateway`, () => {
    let subgraph: SubgraphUnderTest;
    let seed: TwoTenantSeed;
    const seeded = new Map<string, { a: string; b: string }>();

    beforeAll(async () => {
      seed = await TwoTenantSeed.create();
      subgraph = await start();
      for (const [typename, entityCase] of Object.entries(cases)) seeded.set(typename, await entityCase.seed(seed));
    });
    afterAll(async () => {
      await subgraph?.stop();
      await seed?.close();
    });

    it('has a case for every entity type it resolves by reference', () => {
      expect(Object.keys(cases).sort()).toEqual(resolvableEntities(modules));
    });

    it.each(Object.keys(cases).map((typename) => [typename]))('%s: each tenant resolves its own, and never the other tenant\'s or an unknown id', async (typename) => {
      const entityCase = cases[typename];
      const ids = seeded.get(typename)!;
      const unknown = randomUUID();
      const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { ${entityCase.fields} } } }`;
      for (const tenant of seed.tenants) {
        const [own, other] = tenant.key === 'a' ? [ids.a, ids.b] : [ids.b, ids.a];
        const representations = [own, other, unknown].map((id) => ({ __typename: typename, id }));
        const res = await subgraph.as(seed.caller(tenant), query, { representations });
        expect(res.status).toBe(200);
        onlyNotFound(res);
        const entities = (res.data?._entities ?? []) as (Row | null)[];
        expect(entities).toHaveLength(3);
        (entityCase.own ?? defaultOwn)(entities[0], own, tenant);
        (entityCase.foreign ?? defaultForeign)(entities[1], other, tenant);
        (entityCase.foreign ?? defaultForeign)(entities[2], unknown, tenant);
      }
    });

    if (gatedModule) {
      it(`gives a tenant without the ${gatedModule} module FORBIDDEN and no data`, async () => {
        const [typename] = Object.keys(cases);
        const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { ${cases[typename].fields} } } }`;
        const caller = seed.caller(seed.a, { modules: seed.caller(seed.a).modules.filter((m) => m !== gatedModule) });
        const res = await subgraph.as(caller, query, { representations: [{ __typename: typename, id: seeded.get(typename)!.a }] });
        expect(res.data?._entities).toEqual([null]);
        expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      });
    }

    it('refuses a call without the signed caller header, or signed with another secret', async () => {
      const [typename] = Object.keys(cases);
      const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }`;
      const variables = { representations: [{ __typename: typename, id: seeded.get(typename)!.a }] };
      const unsigned = await subgraph.as(null, query, variables);
      expect(unsigned).toMatchObject({ status: 401, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
      expect(unsigned.data).toBeUndefined();
      const forged = await subgraph.as(null, query, variables, signedContext(seed.caller(seed.a), 'another-secret-of-at-least-32-characters'));
      expect(forged).toMatchObject({ status: 401, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    });
  });
}

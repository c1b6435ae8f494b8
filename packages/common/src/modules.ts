// The one way a subgraph registers its modules and builds its per-request context.
//
//   export const crm = defineSubgraph({
//     dir: __dirname,
//     loaders: createLoaders,
//     modules: {
//       contacts: { resolvers: contactResolvers, services: { contacts: ContactService } },
//     },
//   });
//   export type CrmContext = ContextOf<typeof crm>;
//
// A module's SDL sits beside its code (modules/<name>/schema.graphql); its resolvers are typed by
// the subgraph's generated `Resolvers` (GraphQL Code Generator, codegen.ts); its services are
// built once per request and hung on the context under their names. The context's type is derived
// from that list, so a new module is one line here and nothing else to wire.
import type { GraphQLResolverMap, GraphQLSchemaModule } from '@apollo/subgraph/dist/schema-helper';
import { Kind, type DocumentNode } from 'graphql';
import { join } from 'node:path';
import { internalEnumValue } from './enums';
import { baseModule, loadTypeDefs } from './federation';
import type { CallerIdentity } from './identity';
import type { Logger } from './logger';

/** A per-request service: built from the request's context (it reaches the others through it). */
type ServiceClass = new (ctx: never) => object;

export interface SubgraphModuleSpec {
  /** Typed by the subgraph's generated `Resolvers` (src/generated/graphql.ts). */
  resolvers: object;
  /**
   * The module's services, by the name the context gives them (e.g. `{ contacts: ContactService }`),
   * each a class built from the context. (Typed `object` here: a constructor constraint would make
   * the context's type depend on itself, since each service takes that context.)
   */
  services?: object;
}

/** What every request context holds before its services: the process's dependencies, the verified caller, its logger, per-request loaders. */
export type RequestContextBase<Deps, Loaders> = Deps & { caller: CallerIdentity; log: Logger; loaders: Loaders };

type Instances<Services> = { [K in keyof Services]: Services[K] extends abstract new (...args: never[]) => infer I ? I : never };
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
// A module without services adds nothing (`unknown` here would swallow the whole union).
type ServicesOf<Modules> = UnionToIntersection<{ [K in keyof Modules]: Modules[K] extends { services: infer S } ? Instances<S> : Record<never, never> }[keyof Modules]>;

export interface SubgraphSchema<Deps, Context> {
  /** The subgraph's schema modules, the shared base module first (for buildSubgraphSchema). */
  modules: GraphQLSchemaModule[];
  /** Builds the context of one request. */
  createContext(deps: Deps, caller: CallerIdentity, log: Logger): Context;
}

/** The request context type of a subgraph defined with defineSubgraph. */
export type ContextOf<S> = S extends SubgraphSchema<unknown, infer Context> ? Context : never;

/**
 * Registers a subgraph's modules (SDL + typed resolvers + services) and derives its typed context.
 * Every enum of a module's SDL gets its internal values by the one rule of enums.ts (a module never
 * maps one by hand).
 */
export function defineSubgraph<Deps extends object, Loaders, Modules extends Record<string, SubgraphModuleSpec>>(spec: {
  /** The subgraph's src folder: module `x` keeps its SDL in modules/x/schema.graphql. */
  dir: string;
  /** Per-request DataLoaders, always within the caller's tenant. */
  loaders: (deps: Deps, caller: CallerIdentity) => Loaders;
  modules: Modules;
}): SubgraphSchema<Deps, RequestContextBase<Deps, Loaders> & ServicesOf<Modules>> {
  const modules: GraphQLSchemaModule[] = [baseModule];
  const services: [string, ServiceClass][] = [];
  for (const [name, module] of Object.entries(spec.modules)) {
    const typeDefs = loadTypeDefs(join(spec.dir, 'modules', name, 'schema.graphql'));
    modules.push({ typeDefs, resolvers: withEnumValues(name, typeDefs, module.resolvers) });
    for (const [key, service] of Object.entries(module.services ?? {}) as [string, ServiceClass][]) {
      if (services.some(([taken]) => taken === key)) throw new Error(`module ${name}: the context already has a service named ${key}`);
      services.push([key, service]);
    }
  }
  // Each service is built on its first use in a request, from the context itself: a request uses a
  // few of a subgraph's services (an entity fetch of platform's users: one of its dozen), and
  // building all of them was a measurable part of a small request. The getters live on one
  // prototype per subgraph; the first read replaces its getter with the instance.
  const prototype: object = {};
  for (const [key, Service] of services) {
    Object.defineProperty(prototype, key, {
      enumerable: true,
      get(this: object) {
        const instance = new Service(this as never);
        Object.defineProperty(this, key, { value: instance, enumerable: true });
        return instance;
      },
    });
  }
  return {
    modules,
    createContext(deps, caller, log) {
      const ctx = Object.assign(Object.create(prototype) as Record<string, unknown>, deps, { caller, log, loaders: spec.loaders(deps, caller) });
      return ctx as RequestContextBase<Deps, Loaders> & ServicesOf<Modules>;
    },
  };
}

/**
 * The module's resolvers plus, for each enum its SDL defines, the map from each value's name to its
 * internal value. The resolver types come from the generated `Resolvers`, checked where the module
 * declares them; Apollo's map type cannot express them, hence the one conversion here.
 */
function withEnumValues(module: string, typeDefs: DocumentNode, resolvers: object): GraphQLResolverMap<unknown> {
  const map = { ...resolvers } as GraphQLResolverMap<unknown>;
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION) continue;
    const name = definition.name.value;
    if (name in map) throw new Error(`module ${module}: enum ${name} is mapped by its resolvers; enum values follow one rule (packages/common/src/enums.ts)`);
    map[name] = Object.fromEntries((definition.values ?? []).map((v) => [v.name.value, internalEnumValue(v.name.value)]));
  }
  return map;
}

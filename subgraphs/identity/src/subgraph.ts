// The identity subgraph's modules (SDL, typed resolvers, services) and the request context they make.
import { defineSubgraph, type ContextOf } from '@bacbos/common';
import { createLoaders } from './context';
import { OAuthClientService, oauthResolvers } from './modules/oauth';
import { OrganizationService, organizationResolvers } from './modules/organizations';

export const identity = defineSubgraph({
  dir: __dirname,
  loaders: createLoaders,
  modules: {
    organizations: { resolvers: organizationResolvers, services: { organizations: OrganizationService } },
    oauth: { resolvers: oauthResolvers, services: { oauthClients: OAuthClientService } },
  },
});

/** Built once per request: the verified caller, the database, the shared store, per-request loaders and each module's services. */
// An interface, not a type alias: the services name this type while it is derived from them, and
// only an interface breaks that cycle.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface IdentityContext extends ContextOf<typeof identity> {}

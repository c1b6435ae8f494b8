// The platform subgraph's modules (SDL, typed resolvers, services) and the request context they make.
import { defineSubgraph, type ContextOf } from '@bacbos/common';
import { createLoaders } from './context';
import { ApiKeyService, apiKeyResolvers } from './modules/apikeys';
import { AuditService, auditResolvers } from './modules/audit';
import { AuthService, authResolvers } from './modules/auth';
import { BillingService, billingResolvers } from './modules/billing';
import { DatabaseService, databaseResolvers } from './modules/databases';
import { platformEventResolvers } from './modules/events';
import { roleResolvers, RoleService } from './modules/roles';
import { tenancyResolvers, TenancyService } from './modules/tenancy';
import { userResolvers, UserService } from './modules/users';

export const platform = defineSubgraph({
  dir: __dirname,
  loaders: createLoaders,
  modules: {
    tenancy: { resolvers: tenancyResolvers, services: { tenancy: TenancyService } },
    auth: { resolvers: authResolvers, services: { auth: AuthService } },
    users: { resolvers: userResolvers, services: { users: UserService } },
    roles: { resolvers: roleResolvers, services: { roles: RoleService } },
    billing: { resolvers: billingResolvers, services: { billing: BillingService } },
    databases: { resolvers: databaseResolvers, services: { databases: DatabaseService } },
    apikeys: { resolvers: apiKeyResolvers, services: { apiKeys: ApiKeyService } },
    audit: { resolvers: auditResolvers, services: { audit: AuditService } },
    events: { resolvers: platformEventResolvers },
  },
});

/** Built once per request: the caller, the database, the shared store, per-request loaders and each module's services. */
// An interface, not a type alias: the services name this type while it is derived from them, and
// only an interface breaks that cycle.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PlatformContext extends ContextOf<typeof platform> {}

import type { Resolvers } from '../../generated/graphql';

export const databaseResolvers: Resolvers = {
  Query: {
    databaseInstances: (_, __, ctx) => ctx.databases.list(),
    databaseInstance: (_, args, ctx) => ctx.databases.get(args.id),
  },
  Mutation: {
    provisionDatabase: (_, args, ctx) => ctx.databases.provision(args.input),
    deleteDatabaseInstance: (_, args, ctx) => ctx.databases.delete(args.id),
  },
  DatabaseInstance: {
    connectionString: (d, _, ctx) => ctx.databases.connectionString(d),
    config: (d) => d.config ?? {},
    metrics: (d) => {
      const { failureReason: _reason, ...metrics } = (d.metrics ?? {}) as Record<string, unknown>;
      return metrics;
    },
    failureReason: (d) => {
      const reason = ((d.metrics ?? {}) as Record<string, unknown>).failureReason;
      return typeof reason === 'string' ? reason : null;
    },
  },
};

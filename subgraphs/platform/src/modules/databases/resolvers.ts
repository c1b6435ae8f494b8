import type { PlatformContext } from '../../context';
import type { DatabaseInstance } from '../../generated/prisma/client';

export const databaseResolvers = {
  Query: {
    databaseInstances: (_: unknown, __: unknown, ctx: PlatformContext) => ctx.databases.list(),
    databaseInstance: (_: unknown, args: { id: string }, ctx: PlatformContext) => ctx.databases.get(args.id),
  },
  Mutation: {
    provisionDatabase: (_: unknown, args: { input: unknown }, ctx: PlatformContext) => ctx.databases.provision(args.input),
    deleteDatabaseInstance: (_: unknown, args: { id: string }, ctx: PlatformContext) => ctx.databases.delete(args.id),
  },
  DatabaseInstance: {
    connectionString: (d: DatabaseInstance, _: unknown, ctx: PlatformContext) => ctx.databases.connectionString(d),
    config: (d: DatabaseInstance) => d.config ?? {},
    metrics: (d: DatabaseInstance) => {
      const { failureReason: _reason, ...metrics } = (d.metrics ?? {}) as Record<string, unknown>;
      return metrics;
    },
    failureReason: (d: DatabaseInstance) => {
      const reason = ((d.metrics ?? {}) as Record<string, unknown>).failureReason;
      return typeof reason === 'string' ? reason : null;
    },
  },
};

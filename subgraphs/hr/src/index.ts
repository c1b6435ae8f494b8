import { join } from 'node:path';
import { baseModule, loadTypeDefs, type SubgraphDefinition } from '@bacbos/common';
import { createHrContext, type HrContext } from './context';
import { createHrDb, type HrDb } from './db';
import { employeeResolvers } from './modules/employees/resolvers';

export const hrModules = [
  baseModule,
  { typeDefs: loadTypeDefs(join(__dirname, 'modules/employees/schema.graphql')), resolvers: employeeResolvers as never },
];

export function hrSubgraph(db: HrDb = createHrDb()): SubgraphDefinition<HrContext> {
  return {
    name: 'hr',
    modules: hrModules,
    createContext: (caller, log) => createHrContext(db, caller, log),
    healthCheck: async () => { await db.$queryRaw`SELECT 1`; },
    close: () => db.$disconnect(),
  };
}

import { join } from 'node:path';
import { baseModule, databaseUrlFor, loadTypeDefs, rootLogger, startUserDirectorySync, type SubgraphDefinition } from '@bacbos/common';
import { createHrContext, type HrContext } from './context';
import { createHrDb, type HrDb } from './db';
import { attendanceResolvers } from './modules/attendance';
import { deviceResolvers } from './modules/devices';
import { employeeResolvers } from './modules/employees';
import { leaveResolvers } from './modules/leave';
import { remoteWorkResolvers } from './modules/remote-work';

const schemaModule = (name: string, resolvers: object) => ({ typeDefs: loadTypeDefs(join(__dirname, 'modules', name, 'schema.graphql')), resolvers: resolvers as never });

/** The employees module declares `type Query` and `type Mutation`; the others extend them. */
export const hrModules = [
  baseModule,
  schemaModule('employees', employeeResolvers),
  schemaModule('attendance', attendanceResolvers),
  schemaModule('leave', leaveResolvers),
  schemaModule('devices', deviceResolvers),
  schemaModule('remote-work', remoteWorkResolvers),
];

export function hrSubgraph(db: HrDb = createHrDb()): SubgraphDefinition<HrContext> {
  return {
    name: 'hr',
    modules: hrModules,
    createContext: (caller, log) => createHrContext(db, caller, log),
    healthCheck: async () => { await db.$queryRaw`SELECT 1`; },
    // Its replica of the platform's users, for checking the user ids given as input.
    consume: (bus) => startUserDirectorySync(bus, { schema: 'hr', db, databaseUrl: databaseUrlFor('hr'), log: rootLogger.child({ subgraph: 'hr', component: 'directory' }) }),
    close: () => db.$disconnect(),
  };
}

// For the processes and tests that run this subgraph: its database client.
export { createHrDb, type HrDb } from './db';

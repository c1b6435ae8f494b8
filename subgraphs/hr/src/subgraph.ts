// The hr subgraph's modules (SDL, typed resolvers, services) and the request context they make.
// The employees module declares `type Query` and `type Mutation`; the others extend them.
import { defineSubgraph, type ContextOf } from '@bacbos/common';
import { createLoaders } from './context';
import { AttendanceService, attendanceResolvers } from './modules/attendance';
import { DeviceService, deviceResolvers } from './modules/devices';
import { EmployeeService, employeeResolvers } from './modules/employees';
import { LeaveService, leaveResolvers } from './modules/leave';
import { RemoteWorkService, remoteWorkResolvers } from './modules/remote-work';

export const hr = defineSubgraph({
  dir: __dirname,
  loaders: createLoaders,
  modules: {
    employees: { resolvers: employeeResolvers, services: { employees: EmployeeService } },
    attendance: { resolvers: attendanceResolvers, services: { attendance: AttendanceService } },
    leave: { resolvers: leaveResolvers, services: { leave: LeaveService } },
    devices: { resolvers: deviceResolvers, services: { devices: DeviceService } },
    'remote-work': { resolvers: remoteWorkResolvers, services: { remoteWork: RemoteWorkService } },
  },
});

/** Built once per request: the verified caller, the database, per-request loaders and each module's services. */
// An interface, not a type alias: the services name this type while it is derived from them, and
// only an interface breaks that cycle.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface HrContext extends ContextOf<typeof hr> {}

import DataLoader from 'dataloader';
import { manyByKey, oneByKey, type CallerIdentity } from '@bacbos/common';
import type { HrDb } from './db';
import type {
  AttendanceRecord, BiometricDevice, Employee, LeaveRequest, OvertimeRecord, RemoteWorkSession,
} from './generated/prisma/client';

/** Built once per request (subgraph.ts): the verified caller, the database, per-request loaders and each module's services. */
export type { HrContext } from './subgraph';

/** What lives as long as the subgraph process, shared by every request. */
export interface HrDeps {
  db: HrDb;
}

export interface HrLoaders {
  employeeById: DataLoader<string, Employee | null>;
  employeeByUserId: DataLoader<string, Employee | null>;
  reportsByManagerId: DataLoader<string, Employee[]>;
  attendanceById: DataLoader<string, AttendanceRecord | null>;
  openAttendanceByEmployeeId: DataLoader<string, AttendanceRecord | null>;
  overtimeByAttendanceId: DataLoader<string, OvertimeRecord | null>;
  leaveById: DataLoader<string, LeaveRequest | null>;
  leaveByEmployeeId: DataLoader<string, LeaveRequest[]>;
  deviceById: DataLoader<string, BiometricDevice | null>;
  remoteSessionById: DataLoader<string, RemoteWorkSession | null>;
  activeRemoteSessionByEmployeeId: DataLoader<string, RemoteWorkSession | null>;
}

/**
 * One SQL statement per batch, always filtered by the caller's tenant: a key of another tenant
 * loads as null or as an empty list.
 */
export function createLoaders({ db }: HrDeps, { tenantId }: CallerIdentity): HrLoaders {
  const none = <T>(ids: readonly string[], empty: T) => ids.map(() => empty);
  const ids = (keys: readonly string[]) => ({ in: [...keys] });
  return {
    employeeById: new DataLoader(async (keys) =>
      tenantId ? oneByKey(keys, await db.employee.findMany({ where: { tenantId, id: ids(keys) } }), (e) => e.id) : none(keys, null)),
    employeeByUserId: new DataLoader(async (keys) =>
      tenantId ? oneByKey(keys, await db.employee.findMany({ where: { tenantId, userId: ids(keys) } }), (e) => e.userId) : none(keys, null)),
    reportsByManagerId: new DataLoader(async (keys) =>
      tenantId
        ? manyByKey(keys, await db.employee.findMany({ where: { tenantId, managerId: ids(keys) }, orderBy: [{ employeeNumber: 'asc' }, { id: 'asc' }] }), (e) => e.managerId)
        : none(keys, [])),
    attendanceById: new DataLoader(async (keys) =>
      tenantId ? oneByKey(keys, await db.attendanceRecord.findMany({ where: { tenantId, id: ids(keys) } }), (r) => r.id) : none(keys, null)),
    openAttendanceByEmployeeId: new DataLoader(async (keys) =>
      tenantId
        ? oneByKey(keys, await db.attendanceRecord.findMany({ where: { tenantId, employeeId: ids(keys), clockOut: null } }), (r) => r.employeeId)
        : none(keys, null)),
    overtimeByAttendanceId: new DataLoader(async (keys) =>
      tenantId
        ? oneByKey(keys, await db.overtimeRecord.findMany({ where: { tenantId, attendanceRecordId: ids(keys) } }), (o) => o.attendanceRecordId)
        : none(keys, null)),
    leaveById: new DataLoader(async (keys) =>
      tenantId ? oneByKey(keys, await db.leaveRequest.findMany({ where: { tenantId, id: ids(keys) } }), (l) => l.id) : none(keys, null)),
    leaveByEmployeeId: new DataLoader(async (keys) =>
      tenantId
        ? manyByKey(keys, await db.leaveRequest.findMany({ where: { tenantId, employeeId: ids(keys) }, orderBy: [{ startDate: 'desc' }, { id: 'asc' }] }), (l) => l.employeeId)
        : none(keys, [])),
    deviceById: new DataLoader(async (keys) =>
      tenantId ? oneByKey(keys, await db.biometricDevice.findMany({ where: { tenantId, id: ids(keys) } }), (d) => d.id) : none(keys, null)),
    remoteSessionById: new DataLoader(async (keys) =>
      tenantId ? oneByKey(keys, await db.remoteWorkSession.findMany({ where: { tenantId, id: ids(keys) } }), (s) => s.id) : none(keys, null)),
    activeRemoteSessionByEmployeeId: new DataLoader(async (keys) =>
      tenantId
        ? oneByKey(keys, await db.remoteWorkSession.findMany({ where: { tenantId, employeeId: ids(keys), endedAt: null }, orderBy: [{ startedAt: 'desc' }] }), (s) => s.employeeId)
        : none(keys, null)),
  };
}

import type { HrContext } from '../../context';
import type { AttendanceRecord } from '../../generated/prisma/client';

export const attendanceResolvers = {
  ClockInMethod: { WEB: 'web', MOBILE: 'mobile', BIOMETRIC: 'biometric' },
  AttendanceStatus: { OPEN: 'open', COMPLETED: 'completed', ADJUSTED: 'adjusted', VOID: 'void' },
  Query: {
    timesheet: (_: unknown, args: { employeeId: string; from: string; to: string }, ctx: HrContext) =>
      ctx.attendance.timesheet(args.employeeId, args.from, args.to),
    attendanceRecord: (_: unknown, args: { id: string }, ctx: HrContext) => ctx.attendance.get(args.id),
  },
  Mutation: {
    clockIn: (_: unknown, args: { input: unknown }, ctx: HrContext) => ctx.attendance.clockIn(args.input),
    clockOut: (_: unknown, args: { employeeId: string }, ctx: HrContext) => ctx.attendance.clockOut(args.employeeId),
  },
  AttendanceRecord: {
    __resolveReference: (ref: { id: string }, ctx: HrContext) => ctx.attendance.get(ref.id),
    employee: (r: AttendanceRecord, _: unknown, ctx: HrContext) => ctx.employees.get(r.employeeId),
    device: (r: AttendanceRecord, _: unknown, ctx: HrContext) => (r.deviceId ? ctx.devices.get(r.deviceId) : null),
    overtimeRecord: (r: AttendanceRecord, _: unknown, ctx: HrContext) => ctx.attendance.overtimeOf(r.id),
  },
};

import { existing } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';

export const attendanceResolvers: Resolvers = {
  Query: {
    timesheet: (_, args, ctx) =>
      ctx.attendance.timesheet(args.employeeId, args.from, args.to),
    attendanceRecord: (_, args, ctx) => ctx.attendance.get(args.id),
  },
  Mutation: {
    clockIn: (_, args, ctx) => ctx.attendance.clockIn(args.input),
    clockOut: (_, args, ctx) => ctx.attendance.clockOut(args.employeeId),
  },
  AttendanceRecord: {
    __resolveReference: (ref, ctx) => ctx.attendance.get(ref.id),
    employee: (r, _, ctx) => existing(ctx.employees.get(r.employeeId), 'AttendanceRecord.employee'),
    device: (r, _, ctx) => (r.deviceId ? ctx.devices.get(r.deviceId) : null),
    overtimeRecord: (r, _, ctx) => ctx.attendance.overtimeOf(r.id),
  },
};

import type { HrContext } from '../../context';
import type { RemoteWorkSession } from '../../generated/prisma/client';

export const remoteWorkResolvers = {
  RemoteSessionStatus: { ACTIVE: 'active', ENDED: 'ended', EXPIRED: 'expired' },
  Query: {
    remoteWorkSession: (_: unknown, args: { id: string }, ctx: HrContext) => ctx.remoteWork.get(args.id),
  },
  Mutation: {
    startRemoteSession: (_: unknown, args: { input: unknown }, ctx: HrContext) => ctx.remoteWork.start(args.input),
    endRemoteSession: (_: unknown, args: { id: string }, ctx: HrContext) => ctx.remoteWork.end(args.id),
  },
  RemoteWorkSession: {
    __resolveReference: (ref: { id: string }, ctx: HrContext) => ctx.remoteWork.get(ref.id),
    employee: (s: RemoteWorkSession, _: unknown, ctx: HrContext) => ctx.employees.get(s.employeeId),
    attendanceRecord: (s: RemoteWorkSession, _: unknown, ctx: HrContext) => (s.attendanceRecordId ? ctx.attendance.get(s.attendanceRecordId) : null),
  },
};

import { existing } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';

export const remoteWorkResolvers: Resolvers = {
  Query: {
    remoteWorkSession: (_, args, ctx) => ctx.remoteWork.get(args.id),
  },
  Mutation: {
    startRemoteSession: (_, args, ctx) => ctx.remoteWork.start(args.input),
    endRemoteSession: (_, args, ctx) => ctx.remoteWork.end(args.id),
  },
  RemoteWorkSession: {
    __resolveReference: (ref, ctx) => ctx.remoteWork.get(ref.id),
    employee: (s, _, ctx) => existing(ctx.employees.get(s.employeeId), 'RemoteWorkSession.employee'),
    attendanceRecord: (s, _, ctx) => (s.attendanceRecordId ? ctx.attendance.get(s.attendanceRecordId) : null),
  },
};

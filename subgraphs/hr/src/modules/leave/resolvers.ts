import { existing, userRef } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';

export const leaveResolvers: Resolvers = {
  Query: {
    leaveRequests: (_, args, ctx) => ctx.leave.list(args),
    leaveRequest: (_, args, ctx) => ctx.leave.get(args.id),
  },
  Mutation: {
    requestLeave: (_, args, ctx) => ctx.leave.request(args.input),
    decideLeave: (_, args, ctx) =>
      ctx.leave.decide(args.id, args.approve, args.note),
  },
  LeaveRequest: {
    __resolveReference: (ref, ctx) => ctx.leave.get(ref.id),
    employee: (l, _, ctx) => existing(ctx.employees.get(l.employeeId), 'LeaveRequest.employee'),
    requestedBy: (l) => userRef(l.requestedBy),
    decidedBy: (l) => userRef(l.decidedBy),
  },
};

import type { PageArgs } from '@bacbos/common';
import type { HrContext } from '../../context';
import type { LeaveRequest } from '../../generated/prisma/client';
import type { LeaveFilter } from './leave.service';

const user = (id: string | null) => (id ? { __typename: 'User', id } : null);

export const leaveResolvers = {
  LeaveType: { VACATION: 'vacation', SICK: 'sick', PERSONAL: 'personal', UNPAID: 'unpaid' },
  LeaveStatus: { PENDING: 'pending', APPROVED: 'approved', REJECTED: 'rejected', CANCELLED: 'cancelled' },
  Query: {
    leaveRequests: (_: unknown, args: PageArgs & { filter?: LeaveFilter }, ctx: HrContext) => ctx.leave.list(args),
    leaveRequest: (_: unknown, args: { id: string }, ctx: HrContext) => ctx.leave.get(args.id),
  },
  Mutation: {
    requestLeave: (_: unknown, args: { input: unknown }, ctx: HrContext) => ctx.leave.request(args.input),
    decideLeave: (_: unknown, args: { id: string; approve: boolean; note?: string | null }, ctx: HrContext) =>
      ctx.leave.decide(args.id, args.approve, args.note),
  },
  LeaveRequest: {
    __resolveReference: (ref: { id: string }, ctx: HrContext) => ctx.leave.get(ref.id),
    employee: (l: LeaveRequest, _: unknown, ctx: HrContext) => ctx.employees.get(l.employeeId),
    requestedBy: (l: LeaveRequest) => user(l.requestedBy),
    decidedBy: (l: LeaveRequest) => user(l.decidedBy),
  },
};

import { userRef } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';

export const employeeResolvers: Resolvers = {
  Query: {
    employees: (_, args, ctx) => ctx.employees.list(args),
    employee: (_, args, ctx) => ctx.employees.get(args.id),
  },
  Mutation: {
    createEmployee: (_, args, ctx) => ctx.employees.create(args.input),
    updateEmployee: (_, args, ctx) => ctx.employees.update(args.id, args.input),
  },
  Employee: {
    __resolveReference: (ref, ctx) => ctx.employees.get(ref.id),
    // A reference the platform subgraph resolves (batched by the gateway into one _entities call).
    user: (e) => userRef(e.userId),
    manager: (e, _, ctx) => (e.managerId ? ctx.employees.get(e.managerId) : null),
    reports: (e, _, ctx) => ctx.employees.reportsOf(e.id),
    leaveRequests: (e, _, ctx) => ctx.leave.ofEmployee(e.id),
    openAttendance: (e, _, ctx) => ctx.attendance.openOf(e.id),
    activeRemoteSession: (e, _, ctx) => ctx.remoteWork.activeOf(e.id),
  },
  User: {
    __resolveReference: (ref) => ({ id: ref.id }),
    employee: (user, _, ctx) => ctx.employees.ofUser(user.id),
  },
};

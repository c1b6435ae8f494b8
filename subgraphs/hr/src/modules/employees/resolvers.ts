import type { PageArgs } from '@bacbos/common';
import type { HrContext } from '../../context';
import type { Employee } from '../../generated/prisma/client';
import type { EmployeeFilter } from './employee.service';

export const employeeResolvers = {
  Query: {
    employees: (_: unknown, args: PageArgs & { filter?: EmployeeFilter }, ctx: HrContext) => ctx.employees.list(args),
    employee: (_: unknown, args: { id: string }, ctx: HrContext) => ctx.employees.get(args.id),
  },
  Mutation: {
    createEmployee: (_: unknown, args: { input: unknown }, ctx: HrContext) => ctx.employees.create(args.input),
  },
  Employee: {
    __resolveReference: (ref: { id: string }, ctx: HrContext) => ctx.employees.get(ref.id),
    // A reference the platform subgraph resolves (batched by the gateway into one _entities call).
    user: (e: Employee) => (e.userId ? { __typename: 'User', id: e.userId } : null),
    manager: (e: Employee, _: unknown, ctx: HrContext) => (e.managerId ? ctx.employees.get(e.managerId) : null),
    reports: (e: Employee, _: unknown, ctx: HrContext) => ctx.employees.reportsOf(e.id),
    leaveRequests: (e: Employee, _: unknown, ctx: HrContext) => ctx.leave.ofEmployee(e.id),
    openAttendance: (e: Employee, _: unknown, ctx: HrContext) => ctx.attendance.openOf(e.id),
    activeRemoteSession: (e: Employee, _: unknown, ctx: HrContext) => ctx.remoteWork.activeOf(e.id),
  },
  User: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    employee: (user: { id: string }, _: unknown, ctx: HrContext) => ctx.employees.ofUser(user.id),
  },
};

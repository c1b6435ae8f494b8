import type { PageArgs } from '@bacbos/common';
import type { HrContext } from '../../context';
import type { Employee } from '../../generated/prisma/client';
import type { EmployeeFilter } from './employee.service';

export const employeeResolvers = {
  Query: {
    employees: (_: unknown, args: PageArgs & { filter?: EmployeeFilter }, ctx: HrContext) => ctx.employees.list(args),
    employee: (_: unknown, args: { id: string }, ctx: HrContext) => ctx.employees.get(args.id),
  },
  Employee: {
    __resolveReference: (ref: { id: string }, ctx: HrContext) => ctx.employees.get(ref.id),
    user: (e: Employee) => (e.userId ? { __typename: 'User', id: e.userId } : null),
    manager: (e: Employee, _: unknown, ctx: HrContext) => (e.managerId ? ctx.employees.get(e.managerId) : null),
  },
};

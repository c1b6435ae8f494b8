import { authorize, isUuid, paginate, type PageArgs } from '@bacbos/common';
import type { HrContext } from '../../context';
import type { Employee, Prisma } from '../../generated/prisma/client';

export interface EmployeeFilter {
  search?: string | null;
  department?: string | null;
  status?: string | null;
  managerId?: string | null;
}

export class EmployeeService {
  constructor(private readonly ctx: HrContext) {}

  private scope(permission: 'hr:read' | 'hr:write', where: Prisma.EmployeeWhereInput = {}): Prisma.EmployeeWhereInput {
    return { ...where, tenantId: authorize(this.ctx.caller, permission) };
  }

  async list(args: PageArgs & { filter?: EmployeeFilter | null }) {
    const where = this.scope('hr:read', filterWhere(args.filter));
    return paginate<Employee>({
      args,
      sort: { field: 'employeeNumber', direction: 'asc', type: 'string' },
      fetch: ({ after, orderBy, take }) =>
        this.ctx.db.employee.findMany({ where: after ? { AND: [where, after] } : where, orderBy: orderBy as Prisma.EmployeeOrderByWithRelationInput[], take }),
      count: () => this.ctx.db.employee.count({ where }),
    });
  }

  async get(id: string): Promise<Employee | null> {
    this.scope('hr:read');
    return isUuid(id) ? this.ctx.loaders.employeeById.load(id) : null;
  }
}

function filterWhere(filter: EmployeeFilter | null | undefined): Prisma.EmployeeWhereInput {
  if (!filter) return {};
  const where: Prisma.EmployeeWhereInput = {};
  const search = filter.search?.trim();
  if (search) {
    const like = { contains: search, mode: 'insensitive' as const };
    where.OR = [{ employeeNumber: like }, { firstName: like }, { lastName: like }, { email: like }];
  }
  if (filter.department) where.department = filter.department;
  if (filter.status) where.status = filter.status;
  if (filter.managerId) where.managerId = isUuid(filter.managerId) ? filter.managerId : '00000000-0000-0000-0000-000000000000';
  return where;
}

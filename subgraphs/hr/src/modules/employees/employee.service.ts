import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  assertTenantUser, authorize, conflict, containsText, diffFields, forbidden, hasPermission, isUniqueViolation, isUuid, lockRow, notFound, paginate, parseInput, recordChange, snapshot, tenantScope, unknownReference, type PageArgs,
} from '@bacbos/common';
import type { HrContext } from '../../context';
import type { Employee, Prisma } from '../../generated/prisma/client';
import { dayToDate, isTimeZone } from '../../time';

export interface EmployeeFilter {
  search?: string | null;
  department?: string | null;
  status?: string | null;
  managerId?: string | null;
}

const text = (max: number) => z.string().trim().max(max);
const id = z.string().refine(isUuid, 'not an id');

const createSchema = z.object({
  employeeNumber: text(50).min(1),
  firstName: text(100).min(1),
  lastName: text(100).min(1),
  email: z.string().trim().toLowerCase().email().max(255),
  phone: text(50).nullish(),
  userId: id.nullish(),
  department: text(255).nullish(),
  position: text(255).nullish(),
  hireDate: z.string().nullish(),
  managerId: id.nullish(),
  workHoursPerDay: z.string()
    .refine((v) => Number(v) > 0 && Number(v) <= 24, 'between 0 (excluded) and 24 hours')
    .nullish(),
  timeZone: text(64).refine(isTimeZone, 'an IANA time zone such as Europe/Paris').nullish(),
});

/** What updateEmployee may change; an omitted field stays, null clears an optional one. */
const updateSchema = z.object({
  firstName: text(100).min(1).optional(),
  lastName: text(100).min(1).optional(),
  email: z.string().trim().toLowerCase().email().max(255).optional(),
  phone: text(50).nullish(),
  department: text(255).nullish(),
  position: text(255).nullish(),
  status: z.enum(['active', 'on_leave', 'suspended', 'terminated']).optional(),
});

/** Fields an event and an audit entry carry. */
export const EMPLOYEE_FIELDS = [
  'employeeNumber', 'firstName', 'lastName', 'email', 'phone', 'userId', 'department', 'position', 'hireDate', 'managerId', 'workHoursPerDay',
  'timeZone', 'status',
];

export class EmployeeService {
  constructor(private readonly ctx: HrContext) {}

  /** The one place that scopes employees to the caller's tenant. */
  private scope(permission: 'hr:read' | 'hr:write', where: Prisma.EmployeeWhereInput = {}): Prisma.EmployeeWhereInput & { tenantId: string } {
    return tenantScope(this.ctx.caller, permission, where);
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

  /** The employee record of a platform user in the caller's tenant (the `User.employee` extension). */
  async ofUser(userId: string): Promise<Employee | null> {
    this.scope('hr:read');
    return isUuid(userId) ? this.ctx.loaders.employeeByUserId.load(userId) : null;
  }

  async reportsOf(managerId: string): Promise<Employee[]> {
    this.scope('hr:read');
    return this.ctx.loaders.reportsByManagerId.load(managerId);
  }

  /**
   * The user is a platform user, checked against HR's replica of the tenant's users
   * (packages/common/src/directory.ts); the manager is an employee of the same tenant. Another
   * tenant's id, or an unknown one, is BAD_USER_INPUT on userId / managerId.
   */
  async create(input: unknown): Promise<Employee> {
    const { tenantId } = this.scope('hr:write');
    const data = parseInput(createSchema, input);
    if (data.managerId && !(await this.ctx.loaders.employeeById.load(data.managerId))) throw unknownReference('manager (an employee)', 'managerId');
    if (data.userId) await assertTenantUser(this.ctx.db, 'hr', this.ctx.caller, data.userId, 'userId');
    try {
      return await this.ctx.db.$transaction(async (tx) => {
        const employee = await tx.employee.create({
          data: {
            id: randomUUID(),
            tenantId,
            employeeNumber: data.employeeNumber,
            firstName: data.firstName,
            lastName: data.lastName,
            email: data.email,
            phone: data.phone ?? null,
            userId: data.userId ?? null,
            department: data.department ?? null,
            position: data.position ?? null,
            hireDate: data.hireDate ? dayToDate(data.hireDate) : null,
            managerId: data.managerId ?? null,
            workHoursPerDay: data.workHoursPerDay ?? '8',
            timeZone: data.timeZone ?? 'UTC',
            status: 'active',
            createdAt: new Date(),
          },
        });
        await recordChange(tx, this.ctx.caller, {
          type: 'hr.employee.created', aggregateType: 'Employee', aggregateId: employee.id, action: 'create',
          changes: diffFields(null, employee, EMPLOYEE_FIELDS), data: snapshot(employee, ['id', ...EMPLOYEE_FIELDS]),
        });
        return employee;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate(error, data);
      throw error;
    }
  }

  /** Changes the given fields under the employee's row lock; one hr.employee.updated event with the whole record. */
  async update(id: string, input: unknown): Promise<Employee> {
    const { tenantId } = this.scope('hr:write');
    const data = parseInput(updateSchema, input);
    if (!isUuid(id)) throw notFound('Employee', 'id');
    try {
      return await this.ctx.db.$transaction(async (tx) => {
        if (!(await lockRow(tx, 'hr.employees', id, tenantId))) throw notFound('Employee', 'id');
        const existing = await tx.employee.findFirstOrThrow({ where: { id, tenantId } });
        const employee = await tx.employee.update({ where: { id: existing.id }, data });
        await recordChange(tx, this.ctx.caller, {
          type: 'hr.employee.updated', aggregateType: 'Employee', aggregateId: employee.id, action: 'update',
          changes: diffFields(existing, employee, EMPLOYEE_FIELDS), data: snapshot(employee, ['id', ...EMPLOYEE_FIELDS]),
        });
        return employee;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`An employee with email ${data.email ?? ''} already exists`, 'email');
      throw error;
    }
  }

  /**
   * Self-service, as in any HR product: an employee clocks themself in and out, requests their own
   * leave and starts and ends their own remote work sessions. For these operations hr:read (which
   * every system role has) is enough on the caller's OWN employee record (employee.userId ===
   * caller.userId); acting on anybody else's record needs hr:write. Call `authorizeSelfService`
   * first (unauthenticated, module off, no HR permission at all), then `forSelfService`.
   */
  authorizeSelfService(): string {
    return authorize(this.ctx.caller, hasPermission(this.ctx.caller.permissions, 'hr:write') ? 'hr:write' : 'hr:read');
  }

  /** The employee the caller may act on: NOT_FOUND (on `field`) outside the tenant, FORBIDDEN if not theirs without hr:write. */
  async forSelfService(employeeId: string, field = 'employeeId'): Promise<Employee> {
    this.authorizeSelfService();
    const employee = isUuid(employeeId) ? await this.ctx.loaders.employeeById.load(employeeId) : null;
    if (!employee) throw notFound('Employee', field);
    this.assertSelfService(employee);
    return employee;
  }

  assertSelfService(employee: Employee): void {
    if (hasPermission(this.ctx.caller.permissions, 'hr:write')) return;
    if (employee.userId && employee.userId === this.ctx.caller.userId) return;
    throw forbidden('Missing permission hr:write (without it, only your own employee record)');
  }

  /** The caller's own employee record in their tenant, if any. */
  async ofCaller(): Promise<Employee | null> {
    return this.ctx.caller.userId ? this.ctx.loaders.employeeByUserId.load(this.ctx.caller.userId) : null;
  }
}

/** CONFLICT naming the unique field that is taken. */
function duplicate(error: unknown, data: { employeeNumber: string; email: string; userId?: string | null }) {
  const meta = JSON.stringify((error as { meta?: unknown }).meta ?? {});
  if (/employee_?number/i.test(meta)) return conflict(`An employee with number ${data.employeeNumber} already exists`, 'employeeNumber');
  if (/user_?id/i.test(meta)) return conflict('This user is already linked to an employee', 'userId');
  return conflict(`An employee with email ${data.email} already exists`, 'email');
}

function filterWhere(filter: EmployeeFilter | null | undefined): Prisma.EmployeeWhereInput {
  if (!filter) return {};
  const where: Prisma.EmployeeWhereInput = {};
  const search = filter.search?.trim();
  if (search) {
    const like = containsText(search);
    where.OR = [{ employeeNumber: like }, { firstName: like }, { lastName: like }, { email: like }];
  }
  if (filter.department) where.department = filter.department;
  if (filter.status) where.status = filter.status;
  if (filter.managerId) where.managerId = isUuid(filter.managerId) ? filter.managerId : '00000000-0000-0000-0000-000000000000';
  return where;
}

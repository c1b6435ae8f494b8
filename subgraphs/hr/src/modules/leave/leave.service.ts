// Leave requests and their decision.
//
// Days are working days (Monday to Friday, both ends included; public holidays are not modelled).
// The overlap check runs inside the transaction after locking the employee's row, so two
// concurrent requests of one employee cannot both pass it (there is no exclusion constraint).
// Deciding: a holder of hr:approve, or the employee's direct manager (the caller's own employee
// record is the requester's manager_id); never the requester's own leave, whatever the role. The
// pending -> approved/rejected flip is a conditional update, so a request is decided once.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  authorize, badInput, conflict, diffFields, forbidden, hasPermission, isUuid, notFound, paginate, parseInput, recordChange, snapshot, tenantScope, type PageArgs,
} from '@bacbos/common';
import type { HrContext } from '../../context';
import type { LeaveRequest, Prisma } from '../../generated/prisma/client';
import { dayToDate, daysBetween, workingDays } from '../../time';

const requestSchema = z.object({
  employeeId: z.string(),
  type: z.enum(['vacation', 'sick', 'personal', 'unpaid']),
  startDate: z.string(),
  endDate: z.string(),
  reason: z.string().trim().max(2000).nullish(),
});

const decideSchema = z.object({
  approve: z.boolean(),
  note: z.string().trim().max(2000).nullish(),
});

export interface LeaveFilter {
  employeeId?: string | null;
  status?: string | null;
  type?: string | null;
}

/** Fields an event and an audit entry carry. */
const LEAVE_FIELDS = ['employeeId', 'type', 'startDate', 'endDate', 'days', 'status', 'reason', 'requestedBy', 'decidedAt', 'decidedBy', 'note'];

/** Longest leave one request may cover, in calendar days after its start. */
const MAX_SPAN_DAYS = 366;

export class LeaveService {
  constructor(private readonly ctx: HrContext) {}

  /** The one place that scopes leave requests to the caller's tenant. */
  private scope(where: Prisma.LeaveRequestWhereInput = {}): Prisma.LeaveRequestWhereInput & { tenantId: string } {
    return tenantScope(this.ctx.caller, 'hr:read', where);
  }

  async get(id: string): Promise<LeaveRequest | null> {
    this.scope();
    return isUuid(id) ? this.ctx.loaders.leaveById.load(id) : null;
  }

  async ofEmployee(employeeId: string): Promise<LeaveRequest[]> {
    this.scope();
    return this.ctx.loaders.leaveByEmployeeId.load(employeeId);
  }

  async list(args: PageArgs & { filter?: LeaveFilter | null }) {
    const filter = args.filter ?? {};
    const where = this.scope({
      ...(filter.employeeId ? { employeeId: isUuid(filter.employeeId) ? filter.employeeId : '00000000-0000-0000-0000-000000000000' } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.type ? { type: filter.type } : {}),
    });
    return paginate<LeaveRequest>({
      args,
      sort: { field: 'createdAt', direction: 'desc', type: 'date' },
      fetch: ({ after, orderBy, take }) =>
        this.ctx.db.leaveRequest.findMany({ where: after ? { AND: [where, after] } : where, orderBy: orderBy as Prisma.LeaveRequestOrderByWithRelationInput[], take }),
      count: () => this.ctx.db.leaveRequest.count({ where }),
    });
  }

  /** Self-service (see EmployeeService.authorizeSelfService): your own leave with hr:read, anybody's with hr:write. */
  async request(input: unknown): Promise<LeaveRequest> {
    const tenantId = this.ctx.employees.authorizeSelfService();
    const data = parseInput(requestSchema, input);
    const employee = await this.ctx.employees.forSelfService(data.employeeId);
    if (data.endDate < data.startDate) throw badInput('endDate must not be before startDate', 'endDate');
    if (daysBetween(data.startDate, data.endDate) > MAX_SPAN_DAYS) throw badInput(`A leave request spans at most ${MAX_SPAN_DAYS} days`, 'endDate');
    const days = workingDays(data.startDate, data.endDate);
    if (days === 0) throw badInput('The range holds no working day (weekends are not counted)', 'startDate');
    const start = dayToDate(data.startDate);
    const end = dayToDate(data.endDate);
    return this.ctx.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM hr.employees WHERE id = ${employee.id}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
      const overlapping = await tx.leaveRequest.findFirst({
        where: { tenantId, employeeId: employee.id, status: { in: ['pending', 'approved'] }, startDate: { lte: end }, endDate: { gte: start } },
        select: { id: true, status: true },
      });
      if (overlapping) throw conflict(`The dates overlap a ${overlapping.status} leave request (${overlapping.id})`, 'startDate');
      const leave = await tx.leaveRequest.create({
        data: {
          id: randomUUID(),
          tenantId,
          employeeId: employee.id,
          type: data.type,
          startDate: start,
          endDate: end,
          days,
          status: 'pending',
          reason: data.reason ?? null,
          requestedBy: this.ctx.caller.userId,
          // Millisecond precision, so that keyset cursors (which carry JS dates) compare exactly.
          createdAt: new Date(),
        },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'hr.leave.requested', aggregateType: 'LeaveRequest', aggregateId: leave.id, action: 'create',
        changes: diffFields(null, leave, LEAVE_FIELDS), data: snapshot(leave, ['id', ...LEAVE_FIELDS]),
      });
      return leave;
    });
  }

  async decide(id: string, approve: boolean, note: string | null | undefined): Promise<LeaveRequest> {
    const approver = hasPermission(this.ctx.caller.permissions, 'hr:approve');
    const tenantId = authorize(this.ctx.caller, approver ? 'hr:approve' : 'hr:read');
    const data = parseInput(decideSchema, { approve, note });
    const leave = isUuid(id) ? await this.ctx.db.leaveRequest.findFirst({ where: { id, tenantId } }) : null;
    if (!leave) throw notFound('Leave request');
    const employee = await this.ctx.loaders.employeeById.load(leave.employeeId);
    if (!employee) throw notFound('Leave request');
    if (employee.userId && employee.userId === this.ctx.caller.userId) throw forbidden('You cannot decide your own leave');
    if (!approver) {
      const me = await this.ctx.employees.ofCaller();
      if (!me || employee.managerId !== me.id) {
        throw forbidden('Only the employee\'s manager or a holder of hr:approve may decide this leave (missing permission hr:approve)');
      }
    }
    return this.ctx.db.$transaction(async (tx) => {
      const flipped = await tx.leaveRequest.updateMany({
        where: { id: leave.id, tenantId, status: 'pending' },
        data: { status: data.approve ? 'approved' : 'rejected', decidedAt: new Date(), decidedBy: this.ctx.caller.userId, note: data.note ?? null },
      });
      if (flipped.count === 0) {
        const current = await tx.leaveRequest.findFirst({ where: { id: leave.id, tenantId }, select: { status: true } });
        throw conflict(`This leave request is already ${current?.status ?? 'decided'}`);
      }
      const decided = await tx.leaveRequest.findFirstOrThrow({ where: { id: leave.id, tenantId } });
      await recordChange(tx, this.ctx.caller, {
        type: data.approve ? 'hr.leave.approved' : 'hr.leave.rejected', aggregateType: 'LeaveRequest', aggregateId: decided.id,
        action: data.approve ? 'approve' : 'reject',
        changes: diffFields(leave, decided, LEAVE_FIELDS), data: snapshot(decided, ['id', ...LEAVE_FIELDS]),
      });
      return decided;
    });
  }
}

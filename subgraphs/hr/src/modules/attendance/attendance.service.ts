// Clock-in, clock-out, overtime and timesheets.
//
// Worked minutes are exact: floor((clockOut - clockIn) / 60 000), no rounding to quarter hours.
// Overtime is per WORK DAY, not per record: the threshold round(workHoursPerDay * 60) applies to
// the day's total, so an employee who works 5 h, leaves, and comes back for 4 h has 1 h of
// overtime on the second record. A record's overtime is the part of its own minutes that lies
// beyond the threshold once the day's earlier completed records are counted; the overtimes of a
// day's records therefore add up to max(0, day total - threshold). The work day is the `date`
// fixed at clock-in (the local date of the clock-in instant), so a shift that crosses midnight
// counts, with its overtime, on the day it started.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { badInput, conflict, diffFields, isUniqueViolation, isUuid, notFound, parseInput, recordChange, snapshot, tenantScope } from '@bacbos/common';
import type { HrContext } from '../../context';
import type { AttendanceRecord, BiometricDevice, Employee, LeaveRequest, OvertimeRecord, Prisma } from '../../generated/prisma/client';
import { dateToDay, dayToDate, daysBetween, maxDay, minDay, localDay, workingDays, workZone } from '../../time';

const clockInSchema = z.object({
  employeeId: z.string(),
  method: z.enum(['web', 'mobile', 'biometric']),
  deviceId: z.string().nullish(),
  deviceSecret: z.string().max(512).nullish(),
  remote: z.boolean().nullish(),
  location: z.string().trim().max(255).nullish(),
});

/** Fields an event and an audit entry carry. */
const RECORD_FIELDS = ['employeeId', 'date', 'clockIn', 'clockOut', 'method', 'deviceId', 'remote', 'location', 'workedMinutes', 'overtimeMinutes', 'status'];
const OVERTIME_FIELDS = ['employeeId', 'attendanceRecordId', 'date', 'minutes', 'rateMultiplier', 'status'];

/** A timesheet covers at most this many days (inclusive range of 367 dates). */
const MAX_RANGE_DAYS = 366;

export interface Timesheet {
  employee: Employee;
  from: string;
  to: string;
  totalWorkedMinutes: number;
  totalOvertimeMinutes: number;
  totalLeaveDays: string;
  records: AttendanceRecord[];
  leave: LeaveRequest[];
}

export class AttendanceService {
  constructor(private readonly ctx: HrContext) {}

  /** The one place that scopes attendance records to the caller's tenant. */
  private scope(where: Prisma.AttendanceRecordWhereInput = {}): Prisma.AttendanceRecordWhereInput & { tenantId: string } {
    return tenantScope(this.ctx.caller, 'hr:read', where);
  }

  async get(id: string): Promise<AttendanceRecord | null> {
    this.scope();
    return isUuid(id) ? this.ctx.loaders.attendanceById.load(id) : null;
  }

  async openOf(employeeId: string): Promise<AttendanceRecord | null> {
    this.scope();
    return this.ctx.loaders.openAttendanceByEmployeeId.load(employeeId);
  }

  async overtimeOf(attendanceRecordId: string): Promise<OvertimeRecord | null> {
    this.scope();
    return this.ctx.loaders.overtimeByAttendanceId.load(attendanceRecordId);
  }

  /** Self-service (see EmployeeService.authorizeSelfService): your own record with hr:read, anybody's with hr:write. */
  async clockIn(input: unknown): Promise<AttendanceRecord> {
    const tenantId = this.ctx.employees.authorizeSelfService();
    const data = parseInput(clockInSchema, input);
    const employee = await this.ctx.employees.forSelfService(data.employeeId);
    let device: BiometricDevice | null = null;
    if (data.method === 'biometric') {
      if (!data.deviceId) throw badInput('deviceId is required to clock in with BIOMETRIC', 'deviceId');
      device = await this.ctx.devices.authenticate(data.deviceId, data.deviceSecret);
    } else if (data.deviceId) {
      throw badInput('deviceId is only for the BIOMETRIC method', 'deviceId');
    }
    const now = new Date();
    try {
      return await this.ctx.db.$transaction(async (tx) => {
        // The partial unique index (one open record per employee) is the real guard against two
        // concurrent clock-ins; this read gives the common case a clear message.
        const open = await tx.attendanceRecord.findFirst({ where: { tenantId, employeeId: employee.id, clockOut: null }, select: { id: true } });
        if (open) throw alreadyClockedIn();
        const record = await tx.attendanceRecord.create({
          data: {
            id: randomUUID(),
            tenantId,
            employeeId: employee.id,
            date: dayToDate(localDay(now, workZone(this.ctx.caller, employee))),
            clockIn: now,
            method: data.method,
            deviceId: device?.id ?? null,
            remote: data.remote ?? false,
            location: data.location ?? null,
            ipAddress: this.ctx.caller.ipAddress?.slice(0, 45) ?? null,
            status: 'open',
            createdAt: now,
          },
        });
        if (device) await tx.biometricDevice.update({ where: { id: device.id }, data: { lastSeenAt: now } });
        await recordChange(tx, this.ctx.caller, {
          type: 'hr.attendance.clocked_in', aggregateType: 'AttendanceRecord', aggregateId: record.id, action: 'create',
          changes: diffFields(null, record, RECORD_FIELDS), data: snapshot(record, ['id', ...RECORD_FIELDS]),
        });
        return record;
      });
    } catch (error) {
      throw isUniqueViolation(error) ? alreadyClockedIn() : error;
    }
  }

  /** Self-service like clockIn. Closing is a conditional update, so two concurrent clock-outs cannot both succeed. */
  async clockOut(employeeId: string): Promise<AttendanceRecord> {
    const tenantId = this.ctx.employees.authorizeSelfService();
    const employee = await this.ctx.employees.forSelfService(employeeId);
    return this.ctx.db.$transaction(async (tx) => {
      const open = await tx.attendanceRecord.findFirst({ where: { tenantId, employeeId: employee.id, clockOut: null } });
      if (!open) throw conflict('The employee is not clocked in', 'employeeId');
      const clockOut = new Date(Math.max(Date.now(), open.clockIn.getTime()));
      const workedMinutes = Math.floor((clockOut.getTime() - open.clockIn.getTime()) / 60_000);
      const earlier = await tx.attendanceRecord.aggregate({
        where: { tenantId, employeeId: employee.id, date: open.date, clockOut: { not: null }, id: { not: open.id } },
        _sum: { workedMinutes: true },
      });
      const threshold = Math.round(Number(employee.workHoursPerDay) * 60);
      const overtimeMinutes = overtimeOf(earlier._sum.workedMinutes ?? 0, workedMinutes, threshold);
      const closed = await tx.attendanceRecord.updateMany({
        where: { id: open.id, clockOut: null },
        data: { clockOut, workedMinutes, overtimeMinutes, status: 'completed' },
      });
      if (closed.count === 0) throw conflict('The employee is not clocked in', 'employeeId');
      const record = await tx.attendanceRecord.findFirstOrThrow({ where: { id: open.id, tenantId } });
      await recordChange(tx, this.ctx.caller, {
        type: 'hr.attendance.clocked_out', aggregateType: 'AttendanceRecord', aggregateId: record.id, action: 'update',
        changes: diffFields(open, record, RECORD_FIELDS), data: snapshot(record, ['id', ...RECORD_FIELDS]),
      });
      if (overtimeMinutes > 0) {
        const overtime = await tx.overtimeRecord.create({
          data: {
            id: randomUUID(), tenantId, employeeId: employee.id, attendanceRecordId: record.id, date: record.date, minutes: overtimeMinutes,
            status: 'pending', createdAt: clockOut,
          },
        });
        await recordChange(tx, this.ctx.caller, {
          type: 'hr.overtime.created', aggregateType: 'OvertimeRecord', aggregateId: overtime.id, action: 'create',
          changes: diffFields(null, overtime, OVERTIME_FIELDS), data: snapshot(overtime, ['id', ...OVERTIME_FIELDS]),
        });
      }
      return record;
    });
  }

  /**
   * Records whose work date is within [from, to] and the APPROVED leave overlapping it (a
   * timesheet shows what counts; pending requests are on Employee.leaveRequests). The totals are
   * computed from exactly the rows returned, so they always agree with them.
   */
  async timesheet(employeeId: string, from: string, to: string): Promise<Timesheet> {
    const { tenantId } = this.scope();
    const employee = isUuid(employeeId) ? await this.ctx.loaders.employeeById.load(employeeId) : null;
    if (!employee) throw notFound('Employee', 'employeeId');
    if (to < from) throw badInput('to must not be before from', 'to');
    if (daysBetween(from, to) > MAX_RANGE_DAYS) throw badInput(`A timesheet covers at most ${MAX_RANGE_DAYS} days`, 'to');
    const [records, leave] = await Promise.all([
      this.ctx.db.attendanceRecord.findMany({
        where: { tenantId, employeeId: employee.id, date: { gte: dayToDate(from), lte: dayToDate(to) } },
        orderBy: [{ clockIn: 'asc' }, { id: 'asc' }],
      }),
      this.ctx.db.leaveRequest.findMany({
        where: { tenantId, employeeId: employee.id, status: 'approved', startDate: { lte: dayToDate(to) }, endDate: { gte: dayToDate(from) } },
        orderBy: [{ startDate: 'asc' }, { id: 'asc' }],
      }),
    ]);
    const leaveDays = leave.reduce((sum, l) => {
      const start = dateToDay(l.startDate);
      const end = dateToDay(l.endDate);
      // Inside the range: the request's own day count (which may hold half days); clipped: the
      // working days of the part within the range.
      const inside = start >= from && end <= to;
      return sum + (inside ? Math.round(Number(l.days) * 100) : workingDays(maxDay(start, from), minDay(end, to)) * 100);
    }, 0);
    return {
      employee,
      from,
      to,
      records,
      leave,
      totalWorkedMinutes: records.reduce((sum, r) => sum + (r.workedMinutes ?? 0), 0),
      totalOvertimeMinutes: records.reduce((sum, r) => sum + r.overtimeMinutes, 0),
      totalLeaveDays: (leaveDays / 100).toFixed(2),
    };
  }
}

/** The part of `worked` beyond the day's threshold, given `before` minutes already worked that day. */
export function overtimeOf(before: number, worked: number, threshold: number): number {
  return Math.min(worked, Math.max(0, before + worked - threshold));
}

const alreadyClockedIn = () => conflict('The employee is already clocked in', 'employeeId');

// Remote work sessions. An employee has at most one session in progress: the check runs in the
// transaction after locking the employee's row (there is no partial unique index on this table),
// so two concurrent starts cannot both pass it. Ending is a conditional update (once).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { conflict, diffFields, isUuid, notFound, parseInput, recordChange, snapshot, tenantScope } from '@bacbos/common';
import type { HrContext } from '../../context';
import type { Prisma, RemoteWorkSession } from '../../generated/prisma/client';

const startSchema = z.object({
  employeeId: z.string(),
  ipAddress: z.union([z.ipv4(), z.ipv6()], { error: 'an IPv4 or IPv6 address' }).nullish(),
  location: z.string().trim().max(255).nullish(),
});

/** Fields an event and an audit entry carry. */
const SESSION_FIELDS = ['employeeId', 'attendanceRecordId', 'startedAt', 'endedAt', 'ipAddress', 'location', 'status'];

export class RemoteWorkService {
  constructor(private readonly ctx: HrContext) {}

  /** The one place that scopes remote work sessions to the caller's tenant. */
  private scope(where: Prisma.RemoteWorkSessionWhereInput = {}): Prisma.RemoteWorkSessionWhereInput & { tenantId: string } {
    return tenantScope(this.ctx.caller, 'hr:read', where);
  }

  async get(id: string): Promise<RemoteWorkSession | null> {
    this.scope();
    return isUuid(id) ? this.ctx.loaders.remoteSessionById.load(id) : null;
  }

  async activeOf(employeeId: string): Promise<RemoteWorkSession | null> {
    this.scope();
    return this.ctx.loaders.activeRemoteSessionByEmployeeId.load(employeeId);
  }

  /** Self-service (see EmployeeService.authorizeSelfService): your own session with hr:read, anybody's with hr:write. */
  async start(input: unknown): Promise<RemoteWorkSession> {
    const tenantId = this.ctx.employees.authorizeSelfService();
    const data = parseInput(startSchema, input);
    const employee = await this.ctx.employees.forSelfService(data.employeeId);
    return this.ctx.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM hr.employees WHERE id = ${employee.id}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
      const active = await tx.remoteWorkSession.findFirst({ where: { tenantId, employeeId: employee.id, endedAt: null }, select: { id: true } });
      if (active) throw conflict(`The employee already has a remote work session in progress (${active.id})`, 'employeeId');
      const open = await tx.attendanceRecord.findFirst({ where: { tenantId, employeeId: employee.id, clockOut: null }, select: { id: true } });
      const now = new Date();
      const session = await tx.remoteWorkSession.create({
        data: {
          id: randomUUID(),
          tenantId,
          employeeId: employee.id,
          attendanceRecordId: open?.id ?? null,
          startedAt: now,
          lastHeartbeatAt: now,
          ipAddress: data.ipAddress ?? this.ctx.caller.ipAddress?.slice(0, 45) ?? null,
          location: data.location ?? null,
          status: 'active',
          createdAt: now,
        },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'hr.remote_session.started', aggregateType: 'RemoteWorkSession', aggregateId: session.id, action: 'create',
        changes: diffFields(null, session, SESSION_FIELDS), data: snapshot(session, ['id', ...SESSION_FIELDS]),
      });
      return session;
    });
  }

  /** Self-service like start: the session's employee must be the caller's own record, or the caller holds hr:write. */
  async end(id: string): Promise<RemoteWorkSession> {
    const tenantId = this.ctx.employees.authorizeSelfService();
    const existing = isUuid(id) ? await this.ctx.db.remoteWorkSession.findFirst({ where: { id, tenantId } }) : null;
    if (!existing) throw notFound('Remote work session');
    const employee = await this.ctx.loaders.employeeById.load(existing.employeeId);
    if (!employee) throw notFound('Remote work session');
    this.ctx.employees.assertSelfService(employee);
    return this.ctx.db.$transaction(async (tx) => {
      const now = new Date();
      const ended = await tx.remoteWorkSession.updateMany({
        where: { id: existing.id, tenantId, endedAt: null },
        data: { endedAt: new Date(Math.max(now.getTime(), existing.startedAt.getTime())), status: 'ended', lastHeartbeatAt: now },
      });
      if (ended.count === 0) throw conflict('This remote work session has already ended');
      const session = await tx.remoteWorkSession.findFirstOrThrow({ where: { id: existing.id, tenantId } });
      await recordChange(tx, this.ctx.caller, {
        type: 'hr.remote_session.ended', aggregateType: 'RemoteWorkSession', aggregateId: session.id, action: 'update',
        changes: diffFields(existing, session, SESSION_FIELDS), data: snapshot(session, ['id', ...SESSION_FIELDS]),
      });
      return session;
    });
  }
}

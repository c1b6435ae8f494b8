// The tenant's managed database instances. The API records what the tenant asked for and the
// state machine (state-machine.ts) decides every status change; the DatabaseProvisioner
// (provisioner.ts) does the infrastructure's part in the background.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { conflict, isUuid, lockRow, notFound, parseInput, recordChange, snapshot, tenantScope } from '@bacbos/common';
import type { PlatformContext } from '../../context';
import type { DatabaseInstance, Prisma } from '../../generated/prisma/client';
import { lockTenant } from '../users';
import { DATABASE_FIELDS } from './provisioner';
import { transition } from './state-machine';

const token = (pattern: RegExp, message: string) => z.string().trim().regex(pattern, message);
const provisionSchema = z.object({
  name: token(/^[A-Za-z][A-Za-z0-9_-]{0,62}$/, 'a letter, then letters, digits, _ or -; at most 63 characters'),
  engine: token(/^[A-Za-z][A-Za-z0-9]{0,49}$/, 'letters and digits, such as postgresql').transform((e) => e.toLowerCase()),
  version: token(/^[0-9A-Za-z][0-9A-Za-z._-]{0,49}$/, 'such as 16 or 7.2'),
  region: token(/^[a-z0-9][a-z0-9-]{0,48}[a-z0-9]$/, 'lowercase letters, digits and dashes, such as eu-west-1'),
  instanceType: token(/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/, 'such as db.t3.micro'),
  config: z
    .record(z.string(), z.unknown())
    .refine((c) => JSON.stringify(c).length <= 16_384, 'at most 16 KB of JSON')
    .nullish(),
});

export class DatabaseService {
  constructor(private readonly ctx: PlatformContext) {}

  /** The one place that scopes database instances to the caller's tenant. */
  private scope(permission: 'platform:read' | 'platform:admin', where: Prisma.DatabaseInstanceWhereInput = {}): Prisma.DatabaseInstanceWhereInput & { tenantId: string } {
    return tenantScope(this.ctx.caller, permission, where);
  }

  async list(): Promise<DatabaseInstance[]> {
    return this.ctx.db.databaseInstance.findMany({
      where: this.scope('platform:read', { status: { not: 'deleted' } }),
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /** Where the database is reached is admin-console data: members and viewers see the instances, not this. */
  connectionString(instance: DatabaseInstance): string | null {
    this.scope('platform:admin');
    return instance.connectionString;
  }

  async get(id: string): Promise<DatabaseInstance | null> {
    const where = this.scope('platform:read', { id });
    return isUuid(id) ? this.ctx.db.databaseInstance.findFirst({ where }) : null;
  }

  async provision(input: unknown): Promise<DatabaseInstance> {
    const tenantId = this.scope('platform:admin').tenantId;
    const data = parseInput(provisionSchema, input);
    return this.ctx.db.$transaction(async (tx) => {
      // Serializes the name check against concurrent provisioning in the tenant.
      await lockTenant(tx, tenantId);
      const taken = await tx.databaseInstance.findFirst({
        where: { tenantId, name: { equals: data.name, mode: 'insensitive' }, status: { not: 'deleted' } }, select: { id: true },
      });
      if (taken) throw conflict(`A database instance named ${data.name} already exists`, 'name');
      const instance = await tx.databaseInstance.create({
        data: {
          id: randomUUID(), tenantId, name: data.name, engine: data.engine, version: data.version, region: data.region,
          instanceType: data.instanceType, config: (data.config ?? {}) as Prisma.InputJsonValue, status: 'provisioning', metrics: {}, createdAt: new Date(),
        },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'platform.database_instance.created', aggregateType: 'DatabaseInstance', aggregateId: instance.id, action: 'create',
        changes: Object.fromEntries(['name', 'engine', 'version', 'region', 'instanceType', 'config', 'status'].map((f) => [f, { from: null, to: (instance as Record<string, unknown>)[f] }])),
        data: snapshot(instance, DATABASE_FIELDS),
      });
      return instance;
    });
  }

  /** available | failed → deleting; the provisioner then takes it to deleted. */
  async delete(id: string): Promise<DatabaseInstance> {
    const where = this.scope('platform:admin', { id });
    if (!isUuid(id)) throw notFound('Database instance', 'id');
    return this.ctx.db.$transaction(async (tx) => {
      if (!(await lockRow(tx, 'platform.database_instances', id, where.tenantId))) throw notFound('Database instance', 'id');
      const before = await tx.databaseInstance.findFirstOrThrow({ where });
      const after = await tx.databaseInstance.update({ where: { id }, data: { status: transition(before.status, 'deleting') } });
      await recordChange(tx, this.ctx.caller, {
        type: 'platform.database_instance.status_changed', aggregateType: 'DatabaseInstance', aggregateId: id, action: 'delete',
        changes: { status: { from: before.status, to: after.status } }, data: snapshot(after, DATABASE_FIELDS),
      });
      return after;
    });
  }
}

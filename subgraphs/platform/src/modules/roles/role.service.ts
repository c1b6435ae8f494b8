// Roles of a tenant: the system roles made by sign-up (owner, admin, member, viewer) and custom
// ones, and who holds which. Permissions reach a user's access token at its next log-in or refresh.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  conflict, isUniqueViolation, isUuid, lockRow, notFound, parseInput, PERMISSION_FORMAT, recordChange, snapshot, tenantScope,
} from '@bacbos/common';
import type { PlatformContext } from '../../context';
import type { Prisma, Role, User } from '../../generated/prisma/client';
import { lockTenant } from '../users';
import { assertCanGrant, isPermission } from './permissions';

const createSchema = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).nullish(),
  // Checked as a whole, so that a bad entry is reported on the field `permissions`.
  permissions: z
    .array(z.string())
    .min(1, 'at least one permission')
    .max(100)
    .refine((list) => list.every(isPermission), `each must be ${PERMISSION_FORMAT}`)
    .transform((list) => [...new Set(list)]),
});

const ROLE_FIELDS = ['id', 'name', 'description', 'permissions', 'isSystemRole'];

export class RoleService {
  constructor(private readonly ctx: PlatformContext) {}

  /** The one place that scopes roles to the caller's tenant. */
  private scope(permission: 'platform:read' | 'platform:admin', where: Prisma.RoleWhereInput = {}): Prisma.RoleWhereInput & { tenantId: string } {
    return tenantScope(this.ctx.caller, permission, where);
  }

  async list(): Promise<Role[]> {
    return this.ctx.db.role.findMany({ where: this.scope('platform:read'), orderBy: [{ name: 'asc' }, { id: 'asc' }] });
  }

  async create(input: unknown): Promise<Role> {
    const tenantId = this.scope('platform:admin').tenantId;
    const data = parseInput(createSchema, input);
    assertCanGrant(this.ctx.caller, data.permissions);
    const taken = () => conflict(`A role named ${data.name} already exists`, 'name');
    try {
      return await this.ctx.db.$transaction(async (tx) => {
        // Serializes role creation per tenant, so "Sales" and "sales" cannot both get in.
        await lockTenant(tx, tenantId);
        if (await tx.role.findFirst({ where: { tenantId, name: { equals: data.name, mode: 'insensitive' } }, select: { id: true } })) throw taken();
        const role = await tx.role.create({
          data: { id: randomUUID(), tenantId, name: data.name, description: data.description ?? null, permissions: data.permissions, isSystemRole: false },
        });
        await recordChange(tx, this.ctx.caller, {
          type: 'platform.role.created', aggregateType: 'Role', aggregateId: role.id, action: 'create',
          changes: { name: { from: null, to: role.name }, description: { from: null, to: role.description }, permissions: { from: null, to: role.permissions } },
          data: snapshot(role, ROLE_FIELDS),
        });
        return role;
      });
    } catch (error) {
      throw isUniqueViolation(error) ? taken() : error;
    }
  }

  /**
   * Both ids must be of the caller's tenant (anything else is NOT_FOUND). Idempotent: assigning a
   * role the user already holds changes nothing and still returns the user (and, as every
   * successful mutation, leaves its audit entry, with no changed fields).
   */
  async assign(userId: string, roleId: string): Promise<User> {
    const tenantId = this.scope('platform:admin').tenantId;
    if (!isUuid(userId)) throw notFound('User', 'userId');
    if (!isUuid(roleId)) throw notFound('Role', 'roleId');
    return this.ctx.db.$transaction(async (tx) => {
      // Concurrent assignments to one user queue up, so `from` is the set each one really changed.
      if (!(await lockRow(tx, 'platform.users', userId, tenantId))) throw notFound('User', 'userId');
      const role = await tx.role.findFirst({ where: { id: roleId, tenantId } });
      if (!role) throw notFound('Role', 'roleId');
      assertCanGrant(this.ctx.caller, role.permissions);
      const user = await tx.user.findFirstOrThrow({ where: { id: userId, tenantId } });
      const before = (await tx.userRole.findMany({ where: { userId, role: { tenantId } }, include: { role: true } })).map((l) => l.role.name).sort();
      const added = await tx.userRole.createMany({ data: [{ userId, roleId }], skipDuplicates: true });
      const after = added.count ? [...before, role.name].sort() : before;
      await recordChange(tx, this.ctx.caller, {
        type: 'platform.role.assigned', aggregateType: 'User', aggregateId: userId, action: 'assign_role',
        changes: added.count ? { roles: { from: before, to: after } } : {},
        data: { ...snapshot(user, ['id', 'email']), roleId: role.id, roleName: role.name, roles: after, alreadyAssigned: added.count === 0 },
      });
      return user;
    });
  }
}

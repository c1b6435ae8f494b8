// The tenant's users: listing them and inviting new ones. Sign-up creates the first user (the
// owner, modules/auth); everyone after that arrives through inviteUser, counted against the plan.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  appError, badInput, conflict, containsText, isUniqueViolation, isUuid, notFound, paginate, parseInput, recordChange, snapshot, tenantScope, type PageArgs, type SortSpec,
} from '@bacbos/common';
import { hashPassword, markRevokedAfterCommit, revokeSessions } from '../auth';
import type { PlatformContext } from '../../context';
import type { Prisma } from '../../generated/prisma/client';
import type { PublicUser as User } from '../../db';
import { assertCanGrant } from '../roles';
import { COUNTED_USER, limitOf, lockTenant, withUsage } from './tenant-lock';

const name = z.string().trim().max(100).nullish();
const inviteSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(255),
  firstName: name,
  lastName: name,
  roleNames: z.array(z.string().trim().min(1).max(100)).min(1).max(20).nullish(),
  password: z.string().min(12, 'at least 12 characters').max(1024).nullish(),
});

export interface UserFilter {
  search?: string | null;
  status?: string | null;
  roleName?: string | null;
  roleId?: string | null;
}

/** Email is unique per tenant, so it orders the list without ties. */
const SORT: SortSpec = { field: 'email', type: 'string', direction: 'asc' };
/** Fields an event and an audit entry carry (never the password hash). */
const USER_FIELDS = ['id', 'email', 'firstName', 'lastName', 'status', 'createdAt'];

export class UserService {
  constructor(private readonly ctx: PlatformContext) {}

  /** The one place that scopes users to the caller's tenant. */
  private scope(permission: 'platform:read' | 'platform:admin', where: Prisma.UserWhereInput = {}): Prisma.UserWhereInput & { tenantId: string } {
    return tenantScope(this.ctx.caller, permission, where);
  }

  async list(args: PageArgs & { filter?: UserFilter | null }) {
    // Removed users (status deleted) are kept for the history that names them, not listed.
    const where = this.scope('platform:read', COUNTED_USER);
    const filtered: Prisma.UserWhereInput = { AND: [where, filterWhere(where.tenantId, args.filter)] };
    return paginate<User>({
      args,
      sort: SORT,
      fetch: ({ after, orderBy, take }) =>
        this.ctx.db.user.findMany({ where: after ? { AND: [filtered, after] } : filtered, orderBy: orderBy as Prisma.UserOrderByWithRelationInput[], take }),
      count: () => this.ctx.db.user.count({ where: filtered }),
    });
  }

  /**
   * Creates the user with the named roles: active with an argon2id-hashed password when one is
   * given, otherwise `invited` without one. Under the tenant's row lock, so that concurrent
   * invitations cannot pass `limits.maxUsers` together and `usage.users` stays exact.
   */
  async invite(input: unknown): Promise<User> {
    const tenantId = this.scope('platform:admin').tenantId;
    const data = parseInput(inviteSchema, input);
    const roleNames = [...new Set(data.roleNames ?? ['member'])];
    // Hashing is slow on purpose; it happens before the transaction so the lock is held briefly.
    const passwordHash = data.password ? await hashPassword(data.password) : null;
    try {
      return await this.ctx.db.$transaction(async (tx) => {
        const tenant = await lockTenant(tx, tenantId);
        const roles = await tx.role.findMany({ where: { tenantId, name: { in: roleNames } }, orderBy: { name: 'asc' } });
        const unknown = roleNames.filter((n) => !roles.some((r) => r.name === n));
        if (unknown.length) throw badInput(`Unknown role ${unknown.join(', ')}`, 'roleNames');
        assertCanGrant(this.ctx.caller, roles.flatMap((r) => r.permissions));
        if (await tx.user.findFirst({ where: { tenantId, email: data.email }, select: { id: true } })) {
          throw conflict(`A user with email ${data.email} already exists`, 'email');
        }
        const users = await tx.user.count({ where: { tenantId, ...COUNTED_USER } });
        const maxUsers = limitOf(tenant, 'maxUsers');
        if (maxUsers !== null && users >= maxUsers) {
          throw appError('PLAN_LIMIT_EXCEEDED', `The ${tenant.plan} plan allows ${maxUsers} users`, { limit: 'maxUsers', max: maxUsers });
        }
        const user = await tx.user.create({
          data: {
            id: randomUUID(), tenantId, email: data.email, firstName: data.firstName ?? null, lastName: data.lastName ?? null,
            passwordHash, status: passwordHash ? 'active' : 'invited', createdAt: new Date(),
            roles: { create: roles.map((r) => ({ roleId: r.id })) },
          },
        });
        await tx.tenant.update({ where: { id: tenantId }, data: { usage: withUsage(tenant, 'users', users + 1) } });
        await recordChange(tx, this.ctx.caller, {
          type: 'platform.user.invited', aggregateType: 'User', aggregateId: user.id, action: 'invite',
          changes: {
            email: { from: null, to: user.email }, firstName: { from: null, to: user.firstName }, lastName: { from: null, to: user.lastName },
            status: { from: null, to: user.status }, roles: { from: null, to: roles.map((r) => r.name) },
          },
          data: { ...snapshot(user, USER_FIELDS), roles: roles.map((r) => r.name) },
        });
        return user;
      });
    } catch (error) {
      throw isUniqueViolation(error) ? conflict(`A user with email ${data.email} already exists`, 'email') : error;
    }
  }

  /**
   * Removes a user from the tenant (platform:admin): the account is marked deleted (kept, since
   * history names it) and no longer counts against limits.maxUsers, and every open session is
   * revoked, so the user's tokens stop working at once on every gateway. One platform.user.removed
   * event (consumers drop the user from their directories and the search index from its access
   * lists) and one platform.session.revoked per session. Removing yourself is BAD_USER_INPUT.
   */
  async remove(id: string): Promise<boolean> {
    const tenantId = this.scope('platform:admin').tenantId;
    if (!isUuid(id)) throw notFound('User', 'id');
    if (id === this.ctx.caller.userId) throw badInput('You cannot remove yourself', 'id');
    const revoked = await this.ctx.db.$transaction(async (tx) => {
      const tenant = await lockTenant(tx, tenantId);
      const user = await tx.user.findFirst({ where: { id, tenantId, ...COUNTED_USER } });
      if (!user) throw notFound('User', 'id');
      const removed = await tx.user.update({ where: { id: user.id }, data: { status: 'deleted' } });
      const sessions = await tx.session.findMany({ where: { tenantId, userId: id, revokedAt: null }, select: { id: true, tenantId: true, userId: true } });
      const revokedIds = await revokeSessions(tx, this.ctx, sessions, 'revoke', 'user removed');
      await tx.tenant.update({ where: { id: tenantId }, data: { usage: withUsage(tenant, 'users', await tx.user.count({ where: { tenantId, ...COUNTED_USER } })) } });
      await recordChange(tx, this.ctx.caller, {
        type: 'platform.user.removed', aggregateType: 'User', aggregateId: user.id, action: 'delete',
        changes: { status: { from: user.status, to: removed.status } }, data: snapshot(removed, USER_FIELDS),
      });
      return revokedIds;
    });
    await markRevokedAfterCommit(this.ctx, revoked);
    return true;
  }
}

function filterWhere(tenantId: string, filter: UserFilter | null | undefined): Prisma.UserWhereInput {
  if (!filter) return {};
  const where: Prisma.UserWhereInput = {};
  const search = filter.search?.trim();
  if (search) {
    const like = containsText(search);
    where.OR = [{ email: like }, { firstName: like }, { lastName: like }];
  }
  if (filter.status) where.status = filter.status;
  const role: Prisma.RoleWhereInput[] = [];
  if (filter.roleName) role.push({ name: filter.roleName });
  // An id that is not a UUID names no role: the filter then matches nobody.
  if (filter.roleId) role.push(isUuid(filter.roleId) ? { id: filter.roleId } : { id: { in: [] } });
  if (role.length) where.AND = role.map((r) => ({ roles: { some: { role: { ...r, tenantId } } } }));
  return where;
}

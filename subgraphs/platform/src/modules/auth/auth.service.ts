// Sign-up, log-in and sessions. Passwords are hashed with argon2id; refresh tokens are random
// 256-bit values stored as SHA-256 hashes and rotated on every use; access tokens are short JWTs.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import { z } from 'zod';
import {
  setting,
  accessTokenSecret, appError, badInput, conflict, isUniqueViolation, isUuid, issueAccessToken, notFound, parseInput, recordChange, snapshot,
  unauthenticated, withTenant,
} from '@bacbos/common';
import type { PlatformContext } from '../../context';
import type { Session, Tenant } from '../../generated/prisma/client';
import { withoutSecrets, type PublicUser as User } from '../../db';
import { DEFAULT_MODULES, PLANS, SYSTEM_ROLES, TRIAL_DAYS } from '../tenancy';
import { hashPassword, verifyPassword } from './password-hashing';
import { markRevokedAfterCommit, revokeSessions } from './session-revocation';

const REFRESH_TOKEN_TTL_DAYS = 30;
const LOGIN_WINDOW_SECONDS = 15 * 60;
/** Failures of one account from one address: slowed down from the 4th, refused from the 11th. */
const PAIR_SLOW_AFTER = 3;
const PAIR_REFUSE_AFTER = 10;
/** Failures of one account from any address (from the 11th), and of any account from one address
 *  (from the 21st): slowed down only, so an attacker elsewhere can never lock the right password out. */
const ACCOUNT_SLOW_AFTER = 10;
const ADDRESS_SLOW_AFTER = 20;
const MAX_DELAY_MS = 2_000;
/** 100 ms once `after` failures are counted, doubling with each further one, at most 2 s. */
const slowDown = (failures: number, after: number) => (failures >= after ? Math.min(2 ** (failures - after) * 100, MAX_DELAY_MS) : 0);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** MFA secrets are stored AES-256-GCM encrypted, with a key derived from MFA_ENCRYPTION_KEY
 *  (or, when unset, from ACCESS_TOKEN_SECRET), never in clear. */
function mfaKey(): Buffer {
  return Buffer.from(hkdfSync('sha256', setting('MFA_ENCRYPTION_KEY') ?? accessTokenSecret(), 'bacbos-mfa', 'totp-secret', 32));
}
function encryptSecret(secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', mfaKey(), iv);
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}
function decryptSecret(stored: string): string {
  const [, iv, tag, data] = stored.split('.');
  const decipher = createDecipheriv('aes-256-gcm', mfaKey(), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
const DAY_MS = 24 * 60 * 60 * 1000;

const signUpSchema = z.object({
  tenantName: z.string().trim().min(1).max(255),
  tenantSlug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{1,98}[a-z0-9])$/, 'lowercase letters, digits and dashes, 3 to 100 characters'),
  email: z.string().trim().toLowerCase().email().max(255),
  password: z.string().min(12, 'at least 12 characters').max(1024),
  firstName: z.string().trim().max(100).nullish(),
  lastName: z.string().trim().max(100).nullish(),
  plan: z.string().refine((p) => p in PLANS, 'unknown plan').nullish(),
});

const logInSchema = z.object({
  tenantSlug: z.string().max(100),
  email: z.string().trim().toLowerCase().max(255),
  password: z.string().max(1024),
  mfaCode: z.string().max(16).nullish(),
});

export interface AuthResult {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: User;
  tenant: Tenant;
}

interface LoginKeys {
  pair: string;
  account: string;
  address: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const newRefreshToken = () => `rt_${randomBytes(32).toString('base64url')}`;
/** Verified against when the account does not exist, so every failure costs the same time. */
let dummyHash: Promise<string> | undefined;

export class AuthService {
  constructor(private readonly ctx: PlatformContext) {}

  async signUp(input: unknown): Promise<AuthResult> {
    const data = parseInput(signUpSchema, input);
    const plan = PLANS[data.plan ?? 'starter'];
    const passwordHash = await hashPassword(data.password);
    const refreshToken = newRefreshToken();
    const now = new Date();
    const newTenantId = randomUUID();
    try {
      // Tenant, system roles, first user and first session commit together or not at all, under
      // the new tenant (row-level security checks every insert against it).
      const { tenant, user, session, permissions } = await withTenant(newTenantId, () => this.ctx.db.$transaction(async (tx) => {
        const tenant = await tx.tenant.create({
          data: {
            id: newTenantId,
            name: data.tenantName,
            slug: data.tenantSlug,
            plan: plan.id,
            status: 'active',
            trialEndsAt: new Date(now.getTime() + TRIAL_DAYS * DAY_MS),
            enabledModules: DEFAULT_MODULES,
            limits: plan.limits,
            usage: { users: 1, contacts: 0, storageBytes: 0 },
            settings: { timeZone: 'UTC' },
          },
        });
        await tx.role.createMany({
          data: SYSTEM_ROLES.map((r) => ({ tenantId: tenant.id, name: r.name, description: r.description, permissions: r.permissions, isSystemRole: true })),
        });
        const owner = await tx.role.findFirstOrThrow({ where: { tenantId: tenant.id, name: 'owner' } });
        const user = await tx.user.create({
          data: {
            tenantId: tenant.id, email: data.email, passwordHash, firstName: data.firstName ?? null, lastName: data.lastName ?? null,
            lastLogin: now, roles: { create: { roleId: owner.id } },
          },
        });
        const session = await tx.session.create({ data: this.sessionData(tenant.id, user.id, refreshToken, now) });
        await recordChange(tx, this.ctx.caller, {
          type: 'platform.tenant.created', aggregateType: 'Tenant', aggregateId: tenant.id, action: 'create', tenantId: tenant.id, userId: user.id,
          changes: { name: { from: null, to: tenant.name }, slug: { from: null, to: tenant.slug }, plan: { from: null, to: tenant.plan } },
          data: snapshot(tenant, ['id', 'name', 'slug', 'plan', 'status', 'enabledModules']),
        });
        await recordChange(tx, this.ctx.caller, {
          type: 'platform.user.created', aggregateType: 'User', aggregateId: user.id, action: 'create', tenantId: tenant.id, userId: user.id,
          changes: { email: { from: null, to: user.email }, roles: { from: null, to: ['owner'] } }, data: snapshot(user, ['id', 'email', 'firstName', 'lastName', 'status']),
        });
        return { tenant, user, session, permissions: owner.permissions };
      }));
      return this.result(tenant, user, session, permissions, refreshToken, now);
    } catch (error) {
      if (isUniqueViolation(error, 'slug')) throw conflict(`The slug ${data.tenantSlug} is taken`, 'tenantSlug');
      throw error;
    }
  }

  /**
   * Wrong password, unknown email and unknown tenant give the same answer in the same time.
   * Failures are counted in 15-minute windows in the shared store, three ways:
   * - per (address, account): from the 4th failure each attempt is slowed down (100 ms, doubling,
   *   at most 2 s); from the 11th that address is refused for that account (RATE_LIMITED with
   *   Retry-After, the rest of the window), the right password included;
   * - per account, from any address: slowed down only, from the 11th;
   * - per address, for any account: slowed down only, from the 21st.
   * So an attacker can lock out only themself: the account's owner logs in from their own address
   * (see TRUST_PROXY behind a proxy), at worst 2 s slower. Success clears the (address, account)
   * count. Every log-in, successful or not, also spends the address's anonymous budget at the gateway.
   */
  async logIn(input: unknown): Promise<AuthResult> {
    const data = parseInput(logInSchema, input);
    const address = this.ctx.caller.ipAddress ?? 'unknown';
    const keys: LoginKeys = {
      pair: `login-failures:pair:${address}:${data.tenantSlug}:${data.email}`,
      account: `login-failures:account:${data.tenantSlug}:${data.email}`,
      address: `login-failures:address:${address}`,
    };
    // Amount 0 reads the count and what is left of the window in one round trip.
    const pair = await this.ctx.kv.hit(keys.pair, LOGIN_WINDOW_SECONDS, 0);
    if (pair.count >= PAIR_REFUSE_AFTER) {
      const retryAfter = Math.max(1, Math.ceil(pair.resetMs / 1000));
      throw appError('RATE_LIMITED', `Too many failed log-ins for this account from this address; retry in ${retryAfter} s`, { retryAfter });
    }
    const [account, fromAddress] = (await this.ctx.kv.mget([keys.account, keys.address])).map((v) => Number(v ?? 0));
    const wait = Math.max(slowDown(pair.count, PAIR_SLOW_AFTER), slowDown(account, ACCOUNT_SLOW_AFTER), slowDown(fromAddress, ADDRESS_SLOW_AFTER));
    if (wait) await delay(wait);

    const tenantId = await this.tenantIdBy('tenant_id_by_slug', data.tenantSlug);
    return withTenant(tenantId, () => this.logInToTenant(data, keys));
  }

  private async recordFailure(keys: LoginKeys): Promise<void> {
    await Promise.all([keys.pair, keys.account, keys.address].map((key) => this.ctx.kv.hit(key, LOGIN_WINDOW_SECONDS)));
  }

  private async logInToTenant(data: z.infer<typeof logInSchema>, keys: LoginKeys): Promise<AuthResult> {
    const user = await this.ctx.db.user.findFirst({
      where: { email: data.email, tenant: { slug: data.tenantSlug, isDeleted: { not: true } } },
      include: { tenant: true },
      omit: { passwordHash: false, mfaSecret: false }, // authentication: the one reader of the secrets
    });
    const ok = user?.passwordHash
      ? await verifyPassword(user.passwordHash, data.password)
      : (await verifyPassword(await (dummyHash ??= hashPassword(randomBytes(16).toString('hex'))), data.password), false);
    if (!user || !ok || user.status !== 'active' || user.tenant.status !== 'active') {
      await this.recordFailure(keys);
      throw unauthenticated('Invalid tenant, email or password');
    }
    if (user.mfaEnabled) {
      if (!data.mfaCode) throw appError('UNAUTHENTICATED', 'An MFA code is required', { mfaRequired: true });
      if (!(await this.checkTotp(user.id, user.mfaSecret, data.mfaCode))) {
        await this.recordFailure(keys);
        throw appError('UNAUTHENTICATED', 'Invalid MFA code', { mfaRequired: true });
      }
    }
    await this.ctx.kv.del(keys.pair);
    const refreshToken = newRefreshToken();
    const now = new Date();
    const session = await this.ctx.db.$transaction(async (tx) => {
      const created = await tx.session.create({ data: this.sessionData(user.tenantId, user.id, refreshToken, now) });
      await tx.user.update({ where: { id: user.id }, data: { lastLogin: now } });
      await recordChange(tx, this.ctx.caller, {
        type: 'platform.session.created', aggregateType: 'Session', aggregateId: created.id, action: 'login', tenantId: user.tenantId, userId: user.id,
        changes: { lastLogin: { from: user.lastLogin?.toISOString() ?? null, to: now.toISOString() } }, data: { id: created.id, userId: user.id },
      });
      return created;
    });
    return this.result(user.tenant, { ...withoutSecrets(user), lastLogin: now }, session, await this.permissionsOf(user.id), refreshToken, now);
  }

  /** Starts MFA enrolment: a new TOTP secret, stored encrypted; MFA is on only after confirmMfa. */
  async enrollMfa(): Promise<{ secret: string; otpauthUrl: string }> {
    const { tenantId, userId } = this.requireUser();
    const user = await this.ctx.db.user.findFirst({ where: { id: userId, tenantId } });
    if (!user) throw unauthenticated();
    if (user.mfaEnabled) throw conflict('MFA is already enabled');
    const secret = generateSecret();
    await this.ctx.db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { mfaSecret: encryptSecret(secret) } });
      await recordChange(tx, this.ctx.caller, { type: 'platform.user.mfa_enrolment_started', aggregateType: 'User', aggregateId: user.id, action: 'mfa_enroll', changes: {} });
    });
    return { secret, otpauthUrl: generateURI({ issuer: 'BAC-BOS', label: user.email, secret }) };
  }

  /** A valid code for the enrolled secret turns MFA on; from then logIn needs mfaCode. */
  async confirmMfa(code: string): Promise<User> {
    const { tenantId, userId } = this.requireUser();
    const user = await this.ctx.db.user.findFirst({ where: { id: userId, tenantId }, omit: { mfaSecret: false } });
    if (!user) throw unauthenticated();
    if (user.mfaEnabled) throw conflict('MFA is already enabled');
    if (!user.mfaSecret) throw badInput('Call enrollMfa first', 'code');
    if (!(await this.checkTotp(user.id, user.mfaSecret, code))) throw badInput('Invalid code', 'code');
    await this.ctx.db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { mfaEnabled: true } });
      await recordChange(tx, this.ctx.caller, {
        type: 'platform.user.mfa_enabled', aggregateType: 'User', aggregateId: user.id, action: 'update', changes: { mfaEnabled: { from: false, to: true } },
      });
    });
    return { ...withoutSecrets(user), mfaEnabled: true };
  }

  /** TOTP check (±30 s for clock drift); a code is accepted once (replays within its window fail). */
  private async checkTotp(userId: string, encrypted: string | null, code: string): Promise<boolean> {
    if (!encrypted || !/^\d{6}$/.test(code)) return false;
    const result = await verifyTotp({ secret: decryptSecret(encrypted), token: code, epochTolerance: 30 });
    if (!result.valid) return false;
    const usedKey = `mfa-used:${userId}:${code}`;
    if (await this.ctx.kv.get(usedKey)) return false;
    await this.ctx.kv.set(usedKey, '1', 120);
    return true;
  }

  /**
   * The one kind of cross-tenant read the app role may do before a tenant is known: a SECURITY
   * DEFINER function that returns a tenant id and nothing else (see the RLS migration).
   */
  private async tenantIdBy(fn: 'tenant_id_by_slug' | 'tenant_id_by_refresh_token_hash', value: string): Promise<string | null> {
    const rows = await this.ctx.db.$queryRawUnsafe<{ id: string | null }[]>(`SELECT platform.${fn}($1) AS id`, value);
    return rows[0]?.id ?? null;
  }

  private requireUser(): { tenantId: string; userId: string } {
    const { tenantId, userId } = this.ctx.caller;
    if (!tenantId || !userId || this.ctx.caller.kind !== 'user') throw unauthenticated();
    return { tenantId, userId };
  }

  /**
   * Rotates the refresh token. The presented token must be the session's current one; presenting
   * an already-rotated token means it leaked, so the whole session is revoked.
   */
  async refreshSession(refreshToken: string): Promise<AuthResult> {
    const hash = sha256(refreshToken);
    const tenantId = await this.tenantIdBy('tenant_id_by_refresh_token_hash', hash);
    return withTenant(tenantId, () => this.refreshInTenant(hash));
  }

  private async refreshInTenant(hash: string): Promise<AuthResult> {
    const now = new Date();
    const session = await this.ctx.db.session.findUnique({ where: { refreshTokenHash: hash }, include: { user: { include: { tenant: true } } } });
    if (!session) {
      await this.revokeReused(hash);
      throw unauthenticated('Invalid refresh token');
    }
    if (session.revokedAt || session.expiresAt <= now || session.user.status !== 'active') throw unauthenticated('Invalid refresh token');
    const next = newRefreshToken();
    // Compare-and-swap on the old hash: two concurrent refreshes cannot both succeed.
    const swapped = await this.ctx.db.session.updateMany({
      where: { id: session.id, refreshTokenHash: hash, revokedAt: null },
      data: { refreshTokenHash: sha256(next), previousRefreshTokenHash: hash, lastSeenAt: now },
    });
    if (swapped.count !== 1) throw unauthenticated('Invalid refresh token');
    return this.result(session.user.tenant, session.user, session, await this.permissionsOf(session.userId), next, now);
  }

  /** A rotated-away refresh token came back: it leaked, so the whole session is revoked. */
  private async revokeReused(hash: string): Promise<void> {
    const revoked = await this.ctx.db.$transaction(async (tx) => {
      const reused = await tx.session.findFirst({ where: { previousRefreshTokenHash: hash, revokedAt: null } });
      if (!reused) return [];
      this.ctx.log.warn({ sessionId: reused.id }, 'refresh token reuse detected; session revoked');
      return revokeSessions(tx, this.ctx, [reused], 'revoke', 'refresh token reuse');
    });
    await markRevokedAfterCommit(this.ctx, revoked);
  }

  /** Revokes the caller's current session; the gateway ends its live subscriptions too. */
  async logOut(): Promise<boolean> {
    const { sessionId } = this.ctx.caller;
    if (!sessionId) throw unauthenticated();
    await this.revoke(sessionId, 'logout');
    return true;
  }

  /** Revokes one of the caller's own sessions (any session of the tenant with platform:admin). */
  async revokeSession(id: string): Promise<boolean> {
    const { tenantId, userId } = this.requireUser();
    if (!isUuid(id)) throw notFound('Session');
    const session = await this.ctx.db.session.findFirst({ where: { id, tenantId, revokedAt: null } });
    const admin = this.ctx.caller.permissions.includes('*') || this.ctx.caller.permissions.includes('platform:admin');
    if (!session || (session.userId !== userId && !admin)) throw notFound('Session');
    await this.revoke(id, 'revoke');
    return true;
  }

  /** Postgres is the record; the shared store makes every gateway refuse the session at once. */
  private async revoke(sessionId: string, action: string): Promise<void> {
    const { tenantId } = this.ctx.caller;
    if (!tenantId) throw unauthenticated();
    const revoked = await this.ctx.db.$transaction(async (tx) => {
      const session = await tx.session.findFirst({ where: { id: sessionId, tenantId, revokedAt: null } });
      return session ? revokeSessions(tx, this.ctx, [session], action) : [];
    });
    await markRevokedAfterCommit(this.ctx, revoked);
  }

  /** A user's live sessions; only the user themself may see them. */
  async sessionsOf(userId: string): Promise<(Session & { current: boolean })[]> {
    const { tenantId, userId: callerId, sessionId } = this.ctx.caller;
    if (!tenantId || callerId !== userId) return [];
    const sessions = await this.ctx.db.session.findMany({
      where: { tenantId, userId, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: { createdAt: 'desc' },
    });
    return sessions.map((s) => ({ ...s, current: s.id === sessionId }));
  }

  private sessionData(tenantId: string, userId: string, refreshToken: string, now: Date) {
    return {
      tenantId, userId,
      refreshTokenHash: sha256(refreshToken),
      userAgent: this.ctx.caller.userAgent,
      ipAddress: this.ctx.caller.ipAddress,
      expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_DAYS * DAY_MS),
      lastSeenAt: now,
      createdAt: now,
    };
  }

  private async permissionsOf(userId: string): Promise<string[]> {
    const links = await this.ctx.db.userRole.findMany({ where: { userId }, include: { role: true } });
    return [...new Set(links.flatMap((l) => l.role.permissions))].sort();
  }

  private async result(tenant: Tenant, user: User, session: Session, permissions: string[], refreshToken: string, now: Date): Promise<AuthResult> {
    const { token, expiresAt } = await issueAccessToken(
      { userId: user.id, tenantId: tenant.id, sessionId: session.id, permissions, modules: tenant.enabledModules, email: user.email },
      accessTokenSecret(),
      now,
    );
    return { accessToken: token, refreshToken, expiresAt, user, tenant };
  }
}

// Biometric devices. A device authenticates its clock-ins with a secret shown once at
// registration: 32 random bytes (base64url). Only its SHA-256 is stored: the secret is random and
// long, so a fast hash is as safe as a slow one here (the same reasoning as refresh tokens) and a
// clock-in does not pay argon2's cost. The comparison is constant-time.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { appError, conflict, diffFields, isUniqueViolation, isUuid, notFound, parseInput, recordChange, snapshot, tenantScope } from '@bacbos/common';
import type { HrContext } from '../../context';
import type { BiometricDevice, Prisma } from '../../generated/prisma/client';

const registerSchema = z.object({
  name: z.string().trim().min(1).max(255),
  serialNumber: z.string().trim().min(1).max(100),
  location: z.string().trim().max(255).nullish(),
  model: z.string().trim().max(100).nullish(),
});

/** Fields an event and an audit entry carry (never the secret or its hash). */
const DEVICE_FIELDS = ['name', 'serialNumber', 'model', 'location', 'status'];

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export class DeviceService {
  constructor(private readonly ctx: HrContext) {}

  /** The one place that scopes devices to the caller's tenant. */
  private scope(permission: 'hr:read' | 'hr:write', where: Prisma.BiometricDeviceWhereInput = {}): Prisma.BiometricDeviceWhereInput & { tenantId: string } {
    return tenantScope(this.ctx.caller, permission, where);
  }

  async list(): Promise<BiometricDevice[]> {
    const where = this.scope('hr:read');
    return this.ctx.db.biometricDevice.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
  }

  async get(id: string): Promise<BiometricDevice | null> {
    this.scope('hr:read');
    return isUuid(id) ? this.ctx.loaders.deviceById.load(id) : null;
  }

  async register(input: unknown): Promise<{ device: BiometricDevice; secret: string }> {
    const { tenantId } = this.scope('hr:write');
    const data = parseInput(registerSchema, input);
    const secret = randomBytes(32).toString('base64url');
    try {
      const device = await this.ctx.db.$transaction(async (tx) => {
        const created = await tx.biometricDevice.create({
          data: {
            id: randomUUID(),
            tenantId,
            name: data.name,
            serialNumber: data.serialNumber,
            location: data.location ?? null,
            model: data.model ?? null,
            status: 'active',
            secretHash: sha256(secret),
            registeredBy: this.ctx.caller.userId,
            createdAt: new Date(),
          },
        });
        await recordChange(tx, this.ctx.caller, {
          type: 'hr.device.registered', aggregateType: 'BiometricDevice', aggregateId: created.id, action: 'create',
          changes: diffFields(null, created, DEVICE_FIELDS), data: snapshot(created, ['id', ...DEVICE_FIELDS]),
        });
        return created;
      });
      return { device, secret };
    } catch (error) {
      throw isUniqueViolation(error) ? conflict(`A device with serial number ${data.serialNumber} is already registered`, 'serialNumber') : error;
    }
  }

  async revoke(id: string): Promise<BiometricDevice> {
    const where = this.scope('hr:write', { id });
    if (!isUuid(id)) throw notFound('Biometric device');
    return this.ctx.db.$transaction(async (tx) => {
      const existing = await tx.biometricDevice.findFirst({ where });
      if (!existing) throw notFound('Biometric device');
      const flipped = await tx.biometricDevice.updateMany({ where: { ...where, status: { not: 'revoked' } }, data: { status: 'revoked' } });
      if (flipped.count === 0) throw conflict('This device is already revoked');
      const device = await tx.biometricDevice.findFirstOrThrow({ where });
      await recordChange(tx, this.ctx.caller, {
        type: 'hr.device.revoked', aggregateType: 'BiometricDevice', aggregateId: device.id, action: 'update',
        changes: diffFields(existing, device, DEVICE_FIELDS), data: snapshot(device, ['id', ...DEVICE_FIELDS]),
      });
      return device;
    });
  }

  /**
   * The device a biometric clock-in goes through: an unknown id (or another tenant's) is NOT_FOUND
   * on deviceId. A missing or wrong secret, or a device that is not active, is FORBIDDEN: the user
   * behind the request is authenticated (UNAUTHENTICATED would tell clients to sign in again);
   * the punch is what is not allowed.
   */
  async authenticate(deviceId: string, secret: string | null | undefined): Promise<BiometricDevice> {
    const { tenantId } = this.scope('hr:read');
    const device = isUuid(deviceId) ? await this.ctx.db.biometricDevice.findFirst({ where: { id: deviceId, tenantId } }) : null;
    if (!device) throw notFound('Biometric device', 'deviceId');
    const presented = Buffer.from(sha256(secret ?? ''), 'hex');
    const stored = Buffer.from(device.secretHash, 'hex');
    if (!secret || presented.length !== stored.length || !timingSafeEqual(presented, stored)) {
      throw appError('FORBIDDEN', 'The device secret is missing or wrong', { field: 'deviceSecret' });
    }
    if (device.status !== 'active') throw appError('FORBIDDEN', `The biometric device is ${device.status}`, { field: 'deviceId' });
    return device;
  }
}

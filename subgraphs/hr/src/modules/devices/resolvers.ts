import type { HrContext } from '../../context';
import type { BiometricDevice } from '../../generated/prisma/client';

export const deviceResolvers = {
  BiometricDeviceStatus: { ACTIVE: 'active', INACTIVE: 'inactive', REVOKED: 'revoked' },
  Query: {
    biometricDevices: (_: unknown, __: unknown, ctx: HrContext) => ctx.devices.list(),
    biometricDevice: (_: unknown, args: { id: string }, ctx: HrContext) => ctx.devices.get(args.id),
  },
  Mutation: {
    registerBiometricDevice: (_: unknown, args: { input: unknown }, ctx: HrContext) => ctx.devices.register(args.input),
    revokeBiometricDevice: (_: unknown, args: { id: string }, ctx: HrContext) => ctx.devices.revoke(args.id),
  },
  BiometricDevice: {
    __resolveReference: (ref: { id: string }, ctx: HrContext) => ctx.devices.get(ref.id),
    registeredBy: (d: BiometricDevice) => (d.registeredBy ? { __typename: 'User', id: d.registeredBy } : null),
  },
};

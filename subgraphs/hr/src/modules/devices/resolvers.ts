import { userRef } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';

export const deviceResolvers: Resolvers = {
  Query: {
    biometricDevices: (_, __, ctx) => ctx.devices.list(),
    biometricDevice: (_, args, ctx) => ctx.devices.get(args.id),
  },
  Mutation: {
    registerBiometricDevice: (_, args, ctx) => ctx.devices.register(args.input),
    revokeBiometricDevice: (_, args, ctx) => ctx.devices.revoke(args.id),
  },
  BiometricDevice: {
    __resolveReference: (ref, ctx) => ctx.devices.get(ref.id),
    registeredBy: (d) => userRef(d.registeredBy),
  },
};

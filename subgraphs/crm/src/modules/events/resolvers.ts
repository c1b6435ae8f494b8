import { userRef } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';

export const eventResolvers: Resolvers = {
  ContactEvent: {
    actor: (e) => userRef(e.actorId),
  },
};

import type { Resolvers } from '../../generated/graphql';

export const platformEventResolvers: Resolvers = {
  PlatformEvent: {
    // User is this subgraph's own entity: load it here (a bare reference would not be fetched again).
    actor: (e, _, ctx) => (e.actorId ? ctx.loaders.userById.load(e.actorId) : null),
  },
};

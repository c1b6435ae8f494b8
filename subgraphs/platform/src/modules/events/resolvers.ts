import type { PlatformContext } from '../../context';
import type { PlatformEventView } from './platform-events.stream';

export const platformEventResolvers = {
  PlatformEvent: {
    // User is this subgraph's own entity: load it here (a bare reference would not be fetched again).
    actor: (e: PlatformEventView, _: unknown, ctx: PlatformContext) => (e.actorId ? ctx.loaders.userById.load(e.actorId) : null),
  },
};

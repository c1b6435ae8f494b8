import type { PlatformContext } from '../../context';
import type { PlatformEventView } from './platform-event.service';

/** The gateway runs subscriptions (from the event bus); the subgraph only resolves payloads. */
function servedByGateway(): never {
  throw new Error('Subscriptions are served by the gateway over graphql-ws');
}

export const platformEventResolvers = {
  Query: {
    platformEvent: (_: unknown, args: { eventId: string }, ctx: PlatformContext) => ctx.platformEvents.get(args.eventId),
    platformEventsAfter: (_: unknown, args: { eventId: string; first?: number | null }, ctx: PlatformContext) => ctx.platformEvents.after(args.eventId, args.first),
  },
  Subscription: {
    platformEvents: { subscribe: servedByGateway },
  },
  PlatformEvent: {
    // User is this subgraph's own entity: load it here (a bare reference would not be fetched again).
    actor: (e: PlatformEventView, _: unknown, ctx: PlatformContext) => (e.actorId ? ctx.loaders.userById.load(e.actorId) : null),
  },
};

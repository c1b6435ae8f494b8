import type { CrmContext } from '../../context';
import type { ContactEventView } from './event.service';

/** The gateway runs subscriptions (from Kafka); subgraphs only resolve their payloads. */
function servedByGateway(): never {
  throw new Error('Subscriptions are served by the gateway over graphql-ws');
}

export const eventResolvers = {
  Query: {
    contactEvent: (_: unknown, args: { eventId: string }, ctx: CrmContext) => ctx.contactEvents.get(args.eventId),
    contactEventsAfter: (_: unknown, args: { eventId: string; first?: number | null }, ctx: CrmContext) => ctx.contactEvents.after(args.eventId, args.first),
  },
  Subscription: {
    contactEvents: { subscribe: servedByGateway },
  },
  ContactEvent: {
    actor: (e: ContactEventView) => (e.actorId ? { __typename: 'User', id: e.actorId } : null),
  },
};

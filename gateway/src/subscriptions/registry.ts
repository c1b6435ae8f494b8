// Which subscription field is fed by which events. A subscription field is declared in the SDL of
// the subgraph that owns its events (so it composes into the supergraph and shows in the
// playground); the subgraph also exposes a query that resolves one event by id and one that lists
// the events after a given one. The gateway wires the three together from this table; adding the
// office subscriptions (documentActivity, cellsChanged, roomEvents) is adding rows here.
import type { EventEnvelope } from '@bacbos/common';
import { topicFor } from '@bacbos/common';

export interface SubscriptionRoute {
  /** Root field of the Subscription type. */
  field: string;
  topic: string;
  /** Does this event belong to this subscription, given the subscriber's arguments? */
  matches(event: EventEnvelope, args: Record<string, unknown>): boolean;
  /** Query field resolving one event: `<eventQuery>(eventId: ID!)`. */
  eventQuery: string;
  /** Query field listing events after one: `<replayQuery>(eventId: ID!, first: Int)`. */
  replayQuery: string;
  /**
   * Visibility depends on the individual caller (e.g. a document's collaborators), not only on
   * tenant and permissions: payloads are then resolved once per event, selection and caller.
   */
  perCaller?: boolean;
}

export const SUBSCRIPTION_ROUTES: SubscriptionRoute[] = [
  {
    field: 'contactEvents',
    topic: topicFor('crm'),
    matches: (event) => /^crm\.contact\.(created|updated|deleted)$/.test(event.type),
    eventQuery: 'contactEvent',
    replayQuery: 'contactEventsAfter',
  },
  {
    field: 'platformEvents',
    topic: topicFor('platform'),
    // The platform subgraph decides which types are administrative (its event query answers null
    // for the others); `types` narrows further.
    matches: (event, args) => !Array.isArray(args.types) || args.types.includes(event.type),
    eventQuery: 'platformEvent',
    replayQuery: 'platformEventsAfter',
  },
  {
    field: 'documentActivity',
    perCaller: true,
    topic: topicFor('office'),
    // Every edit, comment and share of one document (keyed by the document); the office subgraph's
    // event query answers null to callers who may not read the document.
    matches: (event, args) =>
      /^office\.document\.(created|edited|commented|shared)$/.test(event.type) &&
      (event.aggregateId === args.documentId || (event.payload as { data?: { documentId?: unknown } } | undefined)?.data?.documentId === args.documentId),
    eventQuery: 'documentActivityEvent',
    replayQuery: 'documentActivityEventsAfter',
  },
  {
    field: 'cellsChanged',
    perCaller: true,
    topic: topicFor('office'),
    matches: (event, args) =>
      event.type === 'office.worksheet.cells_changed' &&
      (event.aggregateId === args.worksheetId || (event.payload as { data?: { worksheetId?: unknown } } | undefined)?.data?.worksheetId === args.worksheetId),
    eventQuery: 'cellsChangedEvent',
    replayQuery: 'cellsChangedEventsAfter',
  },
  {
    field: 'roomEvents',
    topic: topicFor('office'),
    // Participants joining and leaving one room and its chat (keyed by the room). Every office:read
    // user of the tenant may see a room, so tenant and permissions decide visibility (not perCaller).
    matches: (event, args) =>
      /^office\.room\.(participant_joined|participant_left|message_sent)$/.test(event.type) &&
      (event.aggregateId === args.roomId || (event.payload as { data?: { roomId?: unknown } } | undefined)?.data?.roomId === args.roomId),
    eventQuery: 'roomEvent',
    replayQuery: 'roomEventsAfter',
  },
];

export const routeFor = (field: string) => SUBSCRIPTION_ROUTES.find((r) => r.field === field);

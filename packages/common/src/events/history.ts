// Reading back a subgraph's event history from its outbox: the `<x>EventsAfter(eventId, first)`
// queries that let a subscription resume after the last event a client saw.
import { badInput } from '../errors';
import { isUuid } from '../validation';

export const MAX_EVENTS_PER_PAGE = 500;
/** An id the caller cannot see, or one pruned from the outbox after its retention. */
export const UNKNOWN_EVENT_ID = 'Unknown event id, or older than the event history kept: subscribe again without `after`';

/**
 * The events after `eventId` (exclusive), oldest first. `seqOf` finds the outbox position of an
 * event the caller may see (null otherwise: an unknown id, or one of another tenant, is
 * BAD_USER_INPUT); `listAfter` reads the next events after that position.
 */
export async function eventsAfter<T>(options: {
  eventId: string;
  first: number | null | undefined;
  seqOf: (eventId: string) => Promise<bigint | null>;
  listAfter: (seq: bigint, take: number) => Promise<T[]>;
}): Promise<T[]> {
  const take = options.first ?? 100;
  if (!Number.isInteger(take) || take < 1 || take > MAX_EVENTS_PER_PAGE) throw badInput(`first must be between 1 and ${MAX_EVENTS_PER_PAGE}`, 'first');
  const seq = isUuid(options.eventId) ? await options.seqOf(options.eventId) : null;
  if (seq === null) throw badInput(UNKNOWN_EVENT_ID, 'eventId');
  return options.listAfter(seq, take);
}

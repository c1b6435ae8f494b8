import type { ContactEventView } from './contact-events.stream';

export const eventResolvers = {
  ContactEvent: {
    actor: (e: ContactEventView) => (e.actorId ? { __typename: 'User', id: e.actorId } : null),
  },
};

import { existing, userRef } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';

export const calendarResolvers: Resolvers = {
  Query: {
    agenda: (_, args, ctx) => ctx.calendar.agenda(args.from, args.to),
    calendarEvent: (_, args, ctx) => ctx.calendar.event(args.id),
    calendars: (_, __, ctx) => ctx.calendar.calendars(),
  },
  Mutation: {
    createEvent: (_, args, ctx) => ctx.calendar.createEvent(args.input),
    respondToEvent: (_, args, ctx) => ctx.calendar.respond(args.eventId, args.status),
  },
  Calendar: {
    // Its @key makes it an entity: without this, _entities answered a bare reference (INTERNAL_SERVER_ERROR on name).
    __resolveReference: (ref, ctx) => ctx.calendar.calendar(ref.id),
    owner: (c) => userRef(c.ownerId),
  },
  CalendarEvent: {
    __resolveReference: (ref, ctx) => ctx.calendar.event(ref.id),
    calendar: (e, _, ctx) => existing(ctx.calendar.calendar(e.calendarId), 'CalendarEvent.calendar'),
    organizer: (e) => userRef(e.organizerId),
    attendees: (e, _, ctx) => ctx.calendar.attendees(e.id),
    reminders: (e, _, ctx) => ctx.calendar.reminders(e.id),
  },
  Attendee: {
    user: (a) => userRef(a.userId),
  },
  Reminder: {
    minutesBefore: (r) => r.minutesBefore,
  },
  AgendaItem: {
    calendar: (i, _, ctx) => existing(ctx.calendar.calendar(i.calendarId), 'AgendaItem.calendar'),
    event: (i, _, ctx) => ctx.calendar.event(i.eventId),
  },
};

import type { OfficeContext } from '../../context';
import type { Attendee, Calendar, Event, Reminder } from '../../generated/prisma/client';
import type { AgendaItem } from './calendar.service';

const user = (id: string | null | undefined) => (id ? { __typename: 'User', id } : null);

export const calendarResolvers = {
  Query: {
    agenda: (_: unknown, args: { from: Date; to: Date }, ctx: OfficeContext) => ctx.calendar.agenda(args.from, args.to),
    calendarEvent: (_: unknown, args: { id: string }, ctx: OfficeContext) => ctx.calendar.event(args.id),
    calendars: (_: unknown, __: unknown, ctx: OfficeContext) => ctx.calendar.calendars(),
  },
  Mutation: {
    createEvent: (_: unknown, args: { input: unknown }, ctx: OfficeContext) => ctx.calendar.createEvent(args.input),
    respondToEvent: (_: unknown, args: { eventId: string; status: string }, ctx: OfficeContext) => ctx.calendar.respond(args.eventId, args.status),
  },
  Calendar: {
    // Its @key makes it an entity: without this, _entities answered a bare reference (INTERNAL_SERVER_ERROR on name).
    __resolveReference: (ref: { id: string }, ctx: OfficeContext) => ctx.calendar.calendar(ref.id),
    owner: (c: Calendar) => user(c.ownerId),
  },
  CalendarEvent: {
    __resolveReference: (ref: { id: string }, ctx: OfficeContext) => ctx.calendar.event(ref.id),
    calendar: (e: Event, _: unknown, ctx: OfficeContext) => ctx.calendar.calendar(e.calendarId),
    organizer: (e: Event) => user(e.organizerId),
    attendees: (e: Event, _: unknown, ctx: OfficeContext) => ctx.calendar.attendees(e.id),
    reminders: (e: Event, _: unknown, ctx: OfficeContext) => ctx.calendar.reminders(e.id),
  },
  Attendee: {
    status: (a: Attendee) => a.status.toUpperCase(),
    user: (a: Attendee) => user(a.userId),
  },
  Reminder: {
    minutesBefore: (r: Reminder) => r.minutesBefore,
  },
  AgendaItem: {
    calendar: (i: AgendaItem, _: unknown, ctx: OfficeContext) => ctx.calendar.calendar(i.calendarId),
    event: (i: AgendaItem, _: unknown, ctx: OfficeContext) => ctx.calendar.event(i.eventId),
  },
};

import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { z } from 'zod';
import {
  authorize, badInput, byId, diffFields, forbidden, isUuid, lockRow, manyByKey, notFound, parseInput, recordChange, snapshot, unknownReference,
} from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { Attendee, Calendar, Event, Prisma, Reminder } from '../../generated/prisma/client';
import { UserDirectory } from '../mail';
import { checkRecurrence, occurrencesBetween } from './recurrence';

const MAX_AGENDA_DAYS = 366;
const MAX_OCCURRENCES = 2000;
const FREQUENCIES = ['yearly', 'monthly', 'weekly', 'daily', 'hourly', 'minutely', 'secondly']; // RRule.Frequency order

const createSchema = z.object({
  calendarId: z.string().uuid().nullish(),
  title: z.string().trim().min(1).max(500),
  description: z.string().max(20_000).nullish(),
  location: z.string().trim().max(500).nullish(),
  startsAt: z.date(),
  endsAt: z.date(),
  attendeeEmails: z.array(z.string().trim().toLowerCase().email().max(255)).max(500).nullish(),
  recurrence: z.string().max(1000).nullish(),
  reminderMinutes: z.array(z.number().int().min(0).max(40_320)).max(10).nullish(),
}).transform((v, ctx) => {
  if (v.endsAt.getTime() < v.startsAt.getTime()) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must not be before startsAt' });
  // Checked once, here; the rule and its last occurrence travel with the input.
  let rule: ReturnType<typeof checkRecurrence> | null = null;
  if (v.recurrence) {
    try {
      rule = checkRecurrence(v.recurrence, v.startsAt);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['recurrence'], message: `is not a valid RRULE: ${(error as Error).message}` });
    }
  }
  return { ...v, rule };
});

export interface AgendaItem {
  eventId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  calendarId: string;
}

const EVENT_FIELDS = ['title', 'description', 'location', 'startsAt', 'endsAt', 'recurrence', 'calendarId'];

/**
 * Who may open an event (the search index's access list, EVENTS.md), as `visible` decides: the
 * calendar's owner, the organizer and the attendees who are users. The event's created event and
 * search:reindex's listing (search-listing.ts) both name them here.
 */
export const eventReaderIds = (calendarOwnerId: string, organizerId: string, attendeeUserIds: (string | null)[]): string[] =>
  [...new Set([calendarOwnerId, organizerId, ...attendeeUserIds.filter((id): id is string => Boolean(id))])];

export class CalendarService {
  private readonly directory: UserDirectory;

  constructor(private readonly ctx: OfficeContext) {
    this.directory = new UserDirectory(ctx);
  }

  private tenant(permission: 'office:read' | 'office:write'): string {
    return authorize(this.ctx.caller, permission);
  }

  private requireUser(): string {
    if (!this.ctx.caller.userId) throw forbidden('Calendars belong to users: sign in as a user');
    return this.ctx.caller.userId;
  }

  private readonly calendarById = new DataLoader<string, Calendar | null>(async (ids) => {
    const rows = await this.ctx.db.calendar.findMany({ where: { tenantId: this.ctx.caller.tenantId ?? '', id: { in: [...ids] } } });
    return byId(ids, rows);
  });
  private readonly attendeesByEvent = new DataLoader<string, Attendee[]>(async (ids) => {
    const rows = await this.ctx.db.attendee.findMany({ where: { tenantId: this.ctx.caller.tenantId ?? '', eventId: { in: [...ids] } }, orderBy: { createdAt: 'asc' } });
    return manyByKey(ids, rows, (r) => r.eventId);
  });
  private readonly remindersByEvent = new DataLoader<string, Reminder[]>(async (ids) => {
    const rows = await this.ctx.db.reminder.findMany({ where: { tenantId: this.ctx.caller.tenantId ?? '', eventId: { in: [...ids] } }, orderBy: { minutesBefore: 'asc' } });
    return manyByKey(ids, rows, (r) => r.eventId);
  });

  /** Events the caller may see: on their own calendars, or with them among the attendees. */
  private visible(tenantId: string): Prisma.EventWhereInput {
    const user = this.ctx.caller.userId;
    if (!user) return { tenantId }; // an API key acts for the whole tenant
    return { tenantId, OR: [{ calendar: { ownerId: user } }, { organizerId: user }, { attendees: { some: { userId: user } } }] };
  }

  calendar(id: string): Promise<Calendar | null> {
    this.tenant('office:read');
    return this.calendarById.load(id);
  }

  async calendars(): Promise<Calendar[]> {
    const tenantId = this.tenant('office:read');
    const user = this.requireUser();
    return this.ctx.db.calendar.findMany({ where: { tenantId, ownerId: user }, orderBy: [{ isDefault: 'desc' }, { name: 'asc' }] });
  }

  attendees(eventId: string): Promise<Attendee[]> {
    this.tenant('office:read');
    return this.attendeesByEvent.load(eventId);
  }

  reminders(eventId: string): Promise<Reminder[]> {
    this.tenant('office:read');
    return this.remindersByEvent.load(eventId);
  }

  async event(id: string): Promise<Event | null> {
    const tenantId = this.tenant('office:read');
    if (!isUuid(id)) return null;
    return this.ctx.db.event.findFirst({ where: { AND: [this.visible(tenantId), { id }] } });
  }

  async agenda(from: Date, to: Date): Promise<AgendaItem[]> {
    const tenantId = this.tenant('office:read');
    if (to.getTime() <= from.getTime()) throw badInput('to must be after from', 'to');
    if (to.getTime() - from.getTime() > MAX_AGENDA_DAYS * 86_400_000) throw badInput(`The range may span at most ${MAX_AGENDA_DAYS} days`, 'to');
    const events = await this.ctx.db.event.findMany({
      where: {
        AND: [
          this.visible(tenantId),
          { status: { not: 'cancelled' }, startsAt: { lt: to } },
          { OR: [{ recurrence: null, endsAt: { gt: from } }, { recurrence: { not: null } }] },
        ],
      },
      include: { recurringRule: { select: { exdates: true, lastOccurrenceAt: true } } },
    });
    const items: AgendaItem[] = [];
    for (const event of events) {
      const duration = event.endsAt.getTime() - event.startsAt.getTime();
      const item = (start: Date): AgendaItem => ({ eventId: event.id, title: event.title, startsAt: start, endsAt: new Date(start.getTime() + duration), calendarId: event.calendarId });
      if (!event.recurrence) {
        items.push(item(event.startsAt));
        continue;
      }
      const excluded = new Set((event.recurringRule?.exdates ?? []).map((d) => d.getTime()));
      // Occurrences that start before `to` and end after `from`.
      const starts = occurrencesBetween(
        { recurrence: event.recurrence, startsAt: event.startsAt, lastOccurrenceAt: event.recurringRule?.lastOccurrenceAt ?? null }, new Date(from.getTime() - duration), to, MAX_OCCURRENCES,
      );
      if (!starts) {
        // Only a rule stored before the checks of recurrence.ts can need that much.
        this.ctx.log.warn({ eventId: event.id, recurrence: event.recurrence }, 'recurring event left out of an agenda: its rule needs more than the expansion budget');
        continue;
      }
      for (const start of starts) {
        if (excluded.has(start.getTime())) continue;
        if (start.getTime() + duration > from.getTime() || (duration === 0 && start.getTime() >= from.getTime())) {
          if (start.getTime() < to.getTime()) items.push(item(start));
        }
      }
    }
    return items.sort((x, y) => x.startsAt.getTime() - y.startsAt.getTime() || x.eventId.localeCompare(y.eventId));
  }

  /** The caller's default calendar, created on first use (in the caller's transaction). */
  private async defaultCalendar(tx: Prisma.TransactionClient, tenantId: string, user: string): Promise<Calendar> {
    await tx.$executeRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(${`office.calendar:${tenantId}:${user}`}))) l`;
    const existing = await tx.calendar.findFirst({ where: { tenantId, ownerId: user, isDefault: true } });
    if (existing) return existing;
    const calendar = await tx.calendar.create({
      data: { id: randomUUID(), tenantId, ownerId: user, name: 'Calendar', isDefault: true, timeZone: this.ctx.caller.timeZone ?? 'UTC', createdAt: new Date() },
    });
    await recordChange(tx, this.ctx.caller, {
      type: 'office.calendar.created', aggregateType: 'Calendar', aggregateId: calendar.id, action: 'create',
      changes: diffFields(null, calendar, ['name', 'isDefault', 'timeZone']), data: snapshot(calendar, ['id', 'name', 'ownerId', 'isDefault', 'timeZone']),
    });
    return calendar;
  }

  async createEvent(input: unknown): Promise<Event> {
    const tenantId = this.tenant('office:write');
    const user = this.requireUser();
    const data = parseInput(createSchema, input);
    const recurrence = data.rule;
    const emails = [...new Set(data.attendeeEmails ?? [])];
    const users = await this.directory.byEmails(tenantId, emails);
    return this.ctx.db.$transaction(async (tx) => {
      let calendar: Calendar;
      if (data.calendarId) {
        const found = await tx.calendar.findFirst({ where: { id: data.calendarId, tenantId, ownerId: user } });
        if (!found) throw unknownReference('calendar of yours', 'calendarId');
        calendar = found;
      } else {
        calendar = await this.defaultCalendar(tx, tenantId, user);
      }
      const event = await tx.event.create({
        data: {
          id: randomUUID(), tenantId, calendarId: calendar.id, organizerId: user, title: data.title, description: data.description ?? null,
          location: data.location ?? null, startsAt: data.startsAt, endsAt: data.endsAt, timeZone: calendar.timeZone,
          recurrence: recurrence?.normalized ?? null, createdAt: new Date(),
        },
      });
      if (recurrence) {
        const o = recurrence.options;
        await tx.recurringRule.create({
          data: {
            tenantId, eventId: event.id, rrule: recurrence.normalized, frequency: FREQUENCIES[o.freq as number], interval: o.interval ?? 1,
            count: o.count ?? null, until: o.until ?? null,
            byDay: (Array.isArray(o.byweekday) ? o.byweekday : o.byweekday !== undefined && o.byweekday !== null ? [o.byweekday] : []).map(String).map((d) => d.replace(/^\+/, '')),
            byMonthDay: o.bymonthday === undefined || o.bymonthday === null ? [] : ([] as number[]).concat(o.bymonthday),
            byMonth: o.bymonth === undefined || o.bymonth === null ? [] : ([] as number[]).concat(o.bymonth),
            weekStart: o.wkst !== undefined && o.wkst !== null ? String(o.wkst) : 'MO',
            lastOccurrenceAt: recurrence.lastOccurrenceAt,
          },
        });
      }
      for (const email of emails) {
        await tx.attendee.create({ data: { tenantId, eventId: event.id, email, userId: users.find((u) => u.email === email)?.id ?? null } });
      }
      for (const minutesBefore of [...new Set(data.reminderMinutes ?? [])]) {
        await tx.reminder.create({ data: { tenantId, eventId: event.id, minutesBefore } });
      }
      await recordChange(tx, this.ctx.caller, {
        type: 'office.event.created', aggregateType: 'CalendarEvent', aggregateId: event.id, action: 'create',
        changes: { ...diffFields(null, event, EVENT_FIELDS), attendeeEmails: { from: null, to: emails } },
        data: {
          ...snapshot(event, ['id', ...EVENT_FIELDS, 'organizerId']), attendeeEmails: emails, reminderMinutes: data.reminderMinutes ?? [],
          readerIds: eventReaderIds(calendar.ownerId, user, users.filter((u) => emails.includes(u.email)).map((u) => u.id)),
        },
      });
      return event;
    });
  }

  async respond(eventId: string, status: string): Promise<Attendee> {
    const tenantId = this.tenant('office:write');
    const user = this.requireUser();
    if (!isUuid(eventId)) throw notFound('Event', 'eventId');
    const value = status.toLowerCase();
    if (!['accepted', 'declined', 'tentative'].includes(value)) throw badInput('status must be ACCEPTED, DECLINED or TENTATIVE', 'status');
    const me = await this.directory.user(tenantId, user);
    return this.ctx.db.$transaction(async (tx) => {
      if (!(await lockRow(tx, 'office.events', eventId, tenantId))) throw notFound('Event', 'eventId');
      const mine: Prisma.AttendeeWhereInput[] = [{ userId: user }];
      if (me) mine.push({ email: me.email });
      const before = await tx.attendee.findFirst({ where: { tenantId, eventId, OR: mine } });
      if (!before) {
        if (!(await tx.event.findFirst({ where: { AND: [this.visible(tenantId), { id: eventId }] }, select: { id: true } }))) throw notFound('Event', 'eventId');
        throw badInput('You are not an attendee of this event', 'eventId');
      }
      const attendee = await tx.attendee.update({ where: { id: before.id }, data: { status: value, userId: user, respondedAt: new Date() } });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.attendee.responded', aggregateType: 'Attendee', aggregateId: attendee.id, action: 'update',
        changes: diffFields(before, attendee, ['status']), data: snapshot(attendee, ['id', 'eventId', 'email', 'userId', 'status', 'respondedAt']),
      });
      return attendee;
    });
  }
}

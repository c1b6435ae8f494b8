// The contract's Calendar operations (shared/contract/operations/office.graphql) end to end through
// the gateway: default calendars, RRULE recurrence expanded by the agenda, answers, errors, audit
// rows for successes only, and two-tenant isolation.
import { Client } from 'pg';
import { addTenantUser, codeOf, contractOperation as op, gql, ok, signUpTenant, type TestTenant } from '../helpers/graphql';
import { outboxProbe } from '../helpers/outbox';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let db: Client;
let a: TestTenant;
let b: TestTenant;
let bob: { userId: string; email: string; headers: Record<string, string> };
const { failsCleanly } = outboxProbe('office', () => db);

const run = (name: string, variables: Record<string, unknown>, headers = a.headers) => gql(url, op('office', name), variables, headers);

async function addUser(tenant: TestTenant, role: string, name: string) {
  const user = await addTenantUser(url, tenant, role, name);
  return { userId: user.userId, email: user.email, headers: user.headers };
}

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  a = await signUpTenant(url, 'Alpha');
  b = await signUpTenant(url, 'Beta');
  bob = await addUser(a, 'member', 'bob');
});
afterAll(async () => {
  await db.end();
  await platform.stop();
});

const createEvent = (input: Record<string, unknown>, headers = a.headers) => run('CreateEvent', { input }, headers);
const agenda = (from: string, to: string, headers = a.headers) => ok(run('Agenda', { from, to }, headers), 'agenda');

describe('CreateEvent', () => {
  it('creates an event on the default calendar (created on first use) with attendees and reminders, audited', async () => {
    const ev = await ok(createEvent({
      title: 'Kick-off', startsAt: '2026-03-02T09:00:00.000Z', endsAt: '2026-03-02T10:00:00.000Z',
      attendeeEmails: [bob.email.toUpperCase(), 'guest@outside.example'], reminderMinutes: [10, 30],
    }), 'createEvent');
    expect(ev).toEqual({
      id: expect.any(String), title: 'Kick-off', startsAt: '2026-03-02T09:00:00.000Z', endsAt: '2026-03-02T10:00:00.000Z', recurrence: null,
      attendees: [{ email: bob.email, status: 'NEEDS_ACTION', user: { id: bob.userId } }, { email: 'guest@outside.example', status: 'NEEDS_ACTION', user: null }],
      reminders: [{ minutesBefore: 10 }, { minutesBefore: 30 }],
    });
    const calendars = (await db.query('SELECT id, is_default FROM office.calendars WHERE tenant_id = $1 AND owner_id = $2', [a.tenantId, a.userId])).rows;
    expect(calendars).toEqual([{ id: expect.any(String), is_default: true }]);
    const { rows } = await db.query('SELECT type, payload FROM office.outbox WHERE aggregate_id = $1', [ev.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].type).toBe('office.event.created');
    expect(rows[0].payload.audit).toMatchObject({ action: 'create', resourceType: 'CalendarEvent', resourceId: ev.id, userId: a.userId });
    // A second event goes to the same default calendar.
    await ok(createEvent({ title: 'Second', startsAt: '2026-03-03T09:00:00Z', endsAt: '2026-03-03T09:30:00Z' }), 'createEvent');
    expect((await db.query('SELECT count(*)::int AS n FROM office.calendars WHERE tenant_id = $1 AND owner_id = $2', [a.tenantId, a.userId])).rows[0].n).toBe(1);
  });

  it('rejects endsAt before startsAt, bad RRULEs, bad emails and unknown calendars, writing nothing', async () => {
    await failsCleanly(a.tenantId, () => createEvent({ title: 'Back', startsAt: '2026-03-02T10:00:00Z', endsAt: '2026-03-02T09:00:00Z' }), 'BAD_USER_INPUT', 'endsAt');
    await failsCleanly(a.tenantId, () => createEvent({ title: 'R', startsAt: '2026-03-02T10:00:00Z', endsAt: '2026-03-02T11:00:00Z', recurrence: 'FREQ=SOMETIMES' }), 'BAD_USER_INPUT', 'recurrence');
    await failsCleanly(a.tenantId, () => createEvent({ title: 'R', startsAt: '2026-03-02T10:00:00Z', endsAt: '2026-03-02T11:00:00Z', recurrence: 'BYDAY=MO' }), 'BAD_USER_INPUT', 'recurrence');
    await failsCleanly(a.tenantId, () => createEvent({ title: 'R', startsAt: '2026-03-02T10:00:00Z', endsAt: '2026-03-02T11:00:00Z', recurrence: 'FREQ=WEEKLY;NONSENSE=1' }), 'BAD_USER_INPUT', 'recurrence');
    // Rules that made one agenda query run for minutes (recurrence.ts): refused at once.
    for (const recurrence of ['FREQ=SECONDLY', 'FREQ=HOURLY', 'FREQ=DAILY;BYHOUR=0,6,12,18', 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', 'FREQ=WEEKLY;COUNT=5001']) {
      const started = Date.now();
      await failsCleanly(a.tenantId, () => createEvent({ title: 'R', startsAt: '2016-03-02T10:00:00Z', endsAt: '2016-03-02T11:00:00Z', recurrence }), 'BAD_USER_INPUT', 'recurrence');
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    await failsCleanly(a.tenantId, () => createEvent({ title: 'E', startsAt: '2026-03-02T10:00:00Z', endsAt: '2026-03-02T11:00:00Z', attendeeEmails: ['nope'] }), 'BAD_USER_INPUT', 'attendeeEmails.0');
    await failsCleanly(a.tenantId, () => createEvent({ title: 'C', calendarId: '00000000-0000-4000-8000-000000000000', startsAt: '2026-03-02T10:00:00Z', endsAt: '2026-03-02T11:00:00Z' }), 'BAD_USER_INPUT', 'calendarId');
  });
});

describe('Agenda', () => {
  let t: TestTenant;
  let weekly: string;
  beforeAll(async () => {
    t = await signUpTenant(url, 'Agenda');
    weekly = (await ok(createEvent({ title: 'Standup', startsAt: '2026-01-05T09:00:00Z', endsAt: '2026-01-05T09:15:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO;COUNT=10' }, t.headers), 'createEvent')).id;
    await ok(createEvent({ title: 'Review', startsAt: '2026-01-14T13:00:00Z', endsAt: '2026-01-14T14:00:00Z' }, t.headers), 'createEvent');
    await ok(createEvent({ title: 'Daily', startsAt: '2026-01-20T08:00:00Z', endsAt: '2026-01-20T08:30:00Z', recurrence: 'RRULE:FREQ=DAILY;INTERVAL=2' }, t.headers), 'createEvent');
  });

  it('expands recurring events into their occurrences inside the range, in order', async () => {
    const items = await agenda('2026-01-10T00:00:00Z', '2026-01-27T00:00:00Z', t.headers);
    expect(items.map((i: any) => [i.title, i.startsAt, i.endsAt])).toEqual([
      ['Standup', '2026-01-12T09:00:00.000Z', '2026-01-12T09:15:00.000Z'],
      ['Review', '2026-01-14T13:00:00.000Z', '2026-01-14T14:00:00.000Z'],
      ['Standup', '2026-01-19T09:00:00.000Z', '2026-01-19T09:15:00.000Z'],
      ['Daily', '2026-01-20T08:00:00.000Z', '2026-01-20T08:30:00.000Z'],
      ['Daily', '2026-01-22T08:00:00.000Z', '2026-01-22T08:30:00.000Z'],
      ['Daily', '2026-01-24T08:00:00.000Z', '2026-01-24T08:30:00.000Z'],
      ['Standup', '2026-01-26T09:00:00.000Z', '2026-01-26T09:15:00.000Z'],
      ['Daily', '2026-01-26T08:00:00.000Z', '2026-01-26T08:30:00.000Z'],
    ].sort((x, y) => Date.parse(x[1]) - Date.parse(y[1])));
    expect(items[0]).toMatchObject({ eventId: weekly, calendar: { id: expect.any(String), name: 'Calendar' } });
  });

  it('stops a series after COUNT and includes an occurrence that overlaps the start of the range', async () => {
    const late = await agenda('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', t.headers);
    expect(late.filter((i: any) => i.title === 'Standup').map((i: any) => i.startsAt)).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-09T09:00:00.000Z']);
    const overlap = await agenda('2026-01-14T13:30:00Z', '2026-01-14T13:45:00Z', t.headers);
    expect(overlap.map((i: any) => i.title)).toEqual(['Review']);
  });

  it('expands a series from long ago at once, and leaves out a rule stored before the checks instead of running it for minutes', async () => {
    await ok(createEvent({ title: 'Since 1990', startsAt: '1990-01-01T07:00:00Z', endsAt: '1990-01-01T07:10:00Z', recurrence: 'FREQ=DAILY' }, t.headers), 'createEvent');
    // What a row written before the checks can hold: every second since 2016 (an agenda over it
    // used to stop the office subgraph for every tenant).
    const { rows: [calendar] } = await db.query('SELECT id, owner_id FROM office.calendars WHERE tenant_id = $1', [t.tenantId]);
    await db.query(
      `INSERT INTO office.events (tenant_id, calendar_id, organizer_id, title, starts_at, ends_at, recurrence) VALUES ($1, $2, $3, 'Legacy', '2016-01-01T00:00:00Z', '2016-01-01T00:00:01Z', 'FREQ=SECONDLY')`,
      [t.tenantId, calendar.id, calendar.owner_id],
    );
    try {
      const started = Date.now();
      const items = await agenda('2026-01-20T00:00:00Z', '2026-01-21T00:00:00Z', t.headers);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(items.map((i: any) => [i.title, i.startsAt])).toEqual([['Since 1990', '2026-01-20T07:00:00.000Z'], ['Daily', '2026-01-20T08:00:00.000Z']]);
    } finally {
      await db.query("DELETE FROM office.events WHERE tenant_id = $1 AND title = 'Legacy'", [t.tenantId]);
    }
  });

  it('rejects an inverted or too long range', async () => {
    expect(codeOf(await run('Agenda', { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, t.headers))).toBe('BAD_USER_INPUT');
    expect(codeOf(await run('Agenda', { from: '2026-01-01T00:00:00Z', to: '2028-01-01T00:00:00Z' }, t.headers))).toBe('BAD_USER_INPUT');
  });
});

describe('RespondToEvent', () => {
  let eventId: string;
  beforeAll(async () => {
    eventId = (await ok(createEvent({ title: 'Planning', startsAt: '2026-05-04T09:00:00Z', endsAt: '2026-05-04T10:00:00Z', attendeeEmails: [bob.email] }), 'createEvent')).id;
  });

  it('records the caller\'s answer as attendee and shows the event in their agenda', async () => {
    const res = await ok(run('RespondToEvent', { eventId, status: 'TENTATIVE' }, bob.headers), 'respondToEvent');
    expect(res).toEqual({ email: bob.email, status: 'TENTATIVE' });
    const accepted = await ok(run('RespondToEvent', { eventId, status: 'ACCEPTED' }, bob.headers), 'respondToEvent');
    expect(accepted).toEqual({ email: bob.email, status: 'ACCEPTED' });
    const items = await agenda('2026-05-04T00:00:00Z', '2026-05-05T00:00:00Z', bob.headers);
    expect(items.map((i: any) => i.eventId)).toEqual([eventId]);
    const { rows } = await db.query("SELECT payload FROM office.outbox WHERE type = 'office.attendee.responded' AND payload->'data'->>'eventId' = $1 ORDER BY seq", [eventId]);
    expect(rows.map((r) => r.payload.audit.changes.status)).toEqual([{ from: 'needs_action', to: 'tentative' }, { from: 'tentative', to: 'accepted' }]);
  });

  it('refuses a non-attendee, an unknown event and a bad status', async () => {
    await failsCleanly(a.tenantId, () => run('RespondToEvent', { eventId, status: 'ACCEPTED' }), 'BAD_USER_INPUT', 'eventId');
    await failsCleanly(a.tenantId, () => run('RespondToEvent', { eventId: '00000000-0000-4000-8000-000000000000', status: 'ACCEPTED' }), 'NOT_FOUND');
    expect(codeOf(await run('RespondToEvent', { eventId, status: 'MAYBE' }, bob.headers))).toBe('BAD_USER_INPUT');
  });
});

describe('two tenants', () => {
  it('never shows one tenant the events of another', async () => {
    const ev = await ok(createEvent({ title: 'Alpha only', startsAt: '2026-06-01T09:00:00Z', endsAt: '2026-06-01T10:00:00Z', attendeeEmails: [b.email] }), 'createEvent');
    expect((await ok(createEvent({ title: 'x', startsAt: '2026-06-01T09:00:00Z', endsAt: '2026-06-01T09:01:00Z' }, b.headers), 'createEvent')).attendees).toEqual([]);
    const items = await agenda('2026-06-01T00:00:00Z', '2026-06-02T00:00:00Z', b.headers);
    expect(items.map((i: any) => i.title)).toEqual(['x']);
    // B's owner is not a user of A: the attendee is only an address, and B cannot answer.
    expect(ev.attendees).toEqual([{ email: b.email, status: 'NEEDS_ACTION', user: null }]);
    await failsCleanly(b.tenantId, () => run('RespondToEvent', { eventId: ev.id, status: 'ACCEPTED' }, b.headers), 'NOT_FOUND');
    await failsCleanly(b.tenantId, () => createEvent({ title: 'y', calendarId: (ev as any).calendarId ?? '00000000-0000-4000-8000-000000000000', startsAt: '2026-06-01T09:00:00Z', endsAt: '2026-06-01T10:00:00Z' }, b.headers), 'BAD_USER_INPUT', 'calendarId');
  });
});

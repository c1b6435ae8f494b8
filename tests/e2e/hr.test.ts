// The contract's HR operations (shared/contract/operations/hr.graphql), end to end through the
// gateway against real PostgreSQL: data, the rules an HR team relies on (clock-in methods and
// biometric devices, exact minutes, overtime per work day, midnight shifts, time zones, working-day
// leave, decisions, timesheets, remote work), every error code, self-service permissions, module
// gating, the outbox/audit rows, and two-tenant isolation. Long or past shifts are inserted with
// SQL (never slept for) and then closed through ClockOut.
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { addTenantUser, codeOf, contractOperation as op, gql, ok, signUpTenant, type TestTenant } from '../helpers/graphql';
import { outboxProbe } from '../helpers/outbox';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let db: Client;
let a: TestTenant;
let b: TestTenant;

interface Person {
  userId: string;
  email: string;
  headers: Record<string, string>;
}

/** Employees of tenant A used across the file. */
const emp: Record<string, { id: string; employeeNumber: string }> = {};
let emma: Person; // member, employee E-1, reports to Max
let max: Person; // member, employee M-1, manager of Emma and Ned
let nora: Person; // member, no employee record
const { outboxCount, eventsOf, failsCleanly } = outboxProbe('hr', () => db);

const NOBODY = '00000000-0000-4000-8000-000000000000';
const todayUtc = () => new Date().toISOString().slice(0, 10);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const minutesBetween = (from: string, to: string) => Math.floor((Date.parse(to) - Date.parse(from)) / 60_000);
const localDay = (instant: string, timeZone: string) => {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(instant));
  const part = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
};

const run = (name: string, variables: Record<string, unknown>, headers: Record<string, string>) => gql(url, op('hr', name), variables, headers);
const createEmployee = (input: Record<string, unknown>, tenant: { headers: Record<string, string> } = a) => run('CreateEmployee', { input }, tenant.headers);
const clockIn = (input: Record<string, unknown>, headers = a.headers) => run('ClockIn', { input }, headers);
const clockOut = (employeeId: string, headers = a.headers) => run('ClockOut', { employeeId }, headers);
const requestLeave = (input: Record<string, unknown>, headers = a.headers) => run('RequestLeave', { input }, headers);
const decideLeave = (id: string, approve: boolean, note: string | null, headers = a.headers) => run('DecideLeave', { id, approve, note }, headers);
const timesheet = (employeeId: string, from: string, to: string, headers = a.headers) => run('Timesheet', { employeeId, from, to }, headers);

/** A user of the tenant with one system role (same password as the owner), logged in, known to HR's user directory. */
async function addUser(tenant: TestTenant, role: string, name: string): Promise<Person> {
  const user = await addTenantUser(url, tenant, role, name);
  return { userId: user.userId, email: user.email, headers: user.headers };
}

/** An attendance record written directly (a past or long shift); open when clockOut is null. */
async function insertRecord(tenantId: string, employeeId: string, r: { date: string; clockIn: string; clockOut?: string | null; worked?: number | null; overtime?: number }): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO hr.attendance_records (tenant_id, employee_id, date, clock_in, clock_out, method, worked_minutes, overtime_minutes, status)
     VALUES ($1, $2, $3::date, $4::timestamptz, $5::timestamptz, 'web', $6, $7, $8) RETURNING id`,
    [tenantId, employeeId, r.date, r.clockIn, r.clockOut ?? null, r.worked ?? null, r.overtime ?? 0, r.clockOut ? 'completed' : 'open'],
  );
  return rows[0].id;
}

/** An instant `minutes` (plus 20 s, so that ClockOut within 40 s floors to exactly `minutes`) ago. */
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000 - 20_000).toISOString();

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  a = await signUpTenant(url, 'Alpha');
  b = await signUpTenant(url, 'Beta');
  emma = await addUser(a, 'member', 'emma');
  max = await addUser(a, 'member', 'max');
  nora = await addUser(a, 'member', 'nora');
});
afterAll(async () => {
  await db.end();
  await platform.stop();
});

describe('employees', () => {
  it('creates employees linked to platform users and managers (CreateEmployee), audited', async () => {
    const owner = await ok(createEmployee({
      employeeNumber: 'O-1', firstName: 'Olive', lastName: 'Owner', email: 'Olive@Alpha.example', userId: a.userId, department: 'Board', position: 'CEO',
      hireDate: '2020-01-06',
    }), 'createEmployee');
    expect(owner).toMatchObject({
      employeeNumber: 'O-1', firstName: 'Olive', lastName: 'Owner', email: 'olive@alpha.example', department: 'Board', position: 'CEO', hireDate: '2020-01-06',
      status: 'active', user: { id: a.userId, email: a.email }, manager: null,
    });
    emp.owner = owner;
    emp.max = await ok(createEmployee({ employeeNumber: 'M-1', firstName: 'Max', lastName: 'Manager', email: 'max@alpha.example', userId: max.userId, department: 'Ops', managerId: owner.id }), 'createEmployee');
    const emmaRecord = await ok(createEmployee({
      employeeNumber: 'E-1', firstName: 'Emma', lastName: 'Employee', email: 'emma@alpha.example', userId: emma.userId, department: 'Ops', position: 'Operator',
      managerId: emp.max.id,
    }), 'createEmployee');
    expect(emmaRecord).toMatchObject({ user: { id: emma.userId, email: emma.email }, manager: { id: emp.max.id, employeeNumber: 'M-1' }, hireDate: null });
    emp.emma = emmaRecord;
    emp.ned = await ok(createEmployee({ employeeNumber: 'E-2', firstName: 'Ned', lastName: 'Nouser', email: 'ned@alpha.example', department: 'Ops', managerId: emp.max.id }), 'createEmployee');

    const row = (await db.query('SELECT work_hours_per_day::text AS h, time_zone, tenant_id FROM hr.employees WHERE id = $1', [emp.ned.id])).rows[0];
    expect(row).toEqual({ h: '8.00', time_zone: 'UTC', tenant_id: a.tenantId });
    const [event] = await eventsOf(emp.emma.id);
    expect(event).toMatchObject({ type: 'hr.employee.created', aggregate_type: 'Employee', tenant_id: a.tenantId, actor_id: a.userId });
    expect(event.payload.audit).toMatchObject({ action: 'create', resourceType: 'Employee', resourceId: emp.emma.id, userId: a.userId });
    expect(event.payload.audit.changes.email).toEqual({ from: null, to: 'emma@alpha.example' });
    expect(event.payload.audit.ipAddress).toBeTruthy();
  });

  it('lists, pages and filters employees with their users and managers (Employees)', async () => {
    const all = await ok(run('Employees', {}, a.headers), 'employees');
    expect(all.totalCount).toBe(4);
    expect(all.edges.map((e: any) => e.node.employeeNumber)).toEqual(['E-1', 'E-2', 'M-1', 'O-1']);
    expect(all.edges[0].node).toMatchObject({ id: emp.emma.id, department: 'Ops', position: 'Operator', user: { id: emma.userId, email: emma.email, firstName: 'emma' }, manager: { id: emp.max.id } });
    expect(all.edges[1].node.user).toBeNull();

    const page1 = await ok(run('Employees', { first: 3 }, a.headers), 'employees');
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await ok(run('Employees', { first: 3, after: page1.pageInfo.endCursor }, a.headers), 'employees');
    expect(page2.edges.map((e: any) => e.node.employeeNumber)).toEqual(['O-1']);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    const numbers = async (filter: Record<string, unknown>) => (await ok(run('Employees', { filter }, a.headers), 'employees')).edges.map((e: any) => e.node.employeeNumber);
    expect(await numbers({ department: 'Ops' })).toEqual(['E-1', 'E-2', 'M-1']);
    expect(await numbers({ managerId: emp.max.id })).toEqual(['E-1', 'E-2']);
    expect(await numbers({ search: 'NED@' })).toEqual(['E-2']);
    expect(await numbers({ status: 'terminated' })).toEqual([]);
  });

  it('extends User with the employee record, and employees with reports', async () => {
    const me = await gql(url, '{ me { id employee { id employeeNumber manager { id user { email } } } } }', {}, emma.headers);
    expect(me.errors).toBeUndefined();
    expect(me.data!.me).toEqual({ id: emma.userId, employee: { id: emp.emma.id, employeeNumber: 'E-1', manager: { id: emp.max.id, user: { email: max.email } } } });
    const noRecord = await gql(url, '{ me { employee { id } } }', {}, nora.headers);
    expect(noRecord.data!.me.employee).toBeNull();
    const reports = await gql(url, 'query($id: ID!) { employee(id: $id) { reports { employeeNumber } manager { employeeNumber } } }', { id: emp.max.id }, a.headers);
    expect(reports.data!.employee).toEqual({ reports: [{ employeeNumber: 'E-1' }, { employeeNumber: 'E-2' }], manager: { employeeNumber: 'O-1' } });
  });

  it('refuses duplicates (CONFLICT naming the field), unknown managers and bad input, writing nothing', async () => {
    const base = { employeeNumber: 'X-1', firstName: 'X', lastName: 'Y', email: 'x@alpha.example' };
    await failsCleanly(a.tenantId, () => createEmployee({ ...base, employeeNumber: 'E-1' }), 'CONFLICT', 'employeeNumber');
    await failsCleanly(a.tenantId, () => createEmployee({ ...base, email: 'EMMA@alpha.example' }), 'CONFLICT', 'email');
    await failsCleanly(a.tenantId, () => createEmployee({ ...base, userId: emma.userId }), 'CONFLICT', 'userId');
    await failsCleanly(a.tenantId, () => createEmployee({ ...base, managerId: NOBODY }), 'BAD_USER_INPUT', 'managerId');
    await failsCleanly(a.tenantId, () => createEmployee({ ...base, email: 'not-an-email' }), 'BAD_USER_INPUT', 'email');
    await failsCleanly(a.tenantId, () => createEmployee({ ...base, workHoursPerDay: '0' }), 'BAD_USER_INPUT', 'workHoursPerDay');
    await failsCleanly(a.tenantId, () => createEmployee({ ...base, workHoursPerDay: '24.50' }), 'BAD_USER_INPUT', 'workHoursPerDay');
    await failsCleanly(a.tenantId, () => createEmployee({ ...base, timeZone: 'Mars/Olympus_Mons' }), 'BAD_USER_INPUT', 'timeZone');
    await failsCleanly(a.tenantId, () => createEmployee({ ...base, employeeNumber: '  ' }), 'BAD_USER_INPUT', 'employeeNumber');
    await failsCleanly(a.tenantId, () => createEmployee(base, emma), 'FORBIDDEN');
    expect((await ok(run('Employees', { filter: { search: 'X-1' } }, a.headers), 'employees')).totalCount).toBe(0);
  });
});

describe('clock in and clock out', () => {
  it('clocks in with WEB, refuses a second clock-in, clocks out with exact minutes (ClockIn, ClockOut)', async () => {
    const before = await outboxCount(a.tenantId);
    const rec = await ok(clockIn({ employeeId: emp.ned.id, method: 'WEB', location: 'HQ' }), 'clockIn');
    expect(rec).toMatchObject({ method: 'WEB', remote: false, status: 'OPEN', employee: { id: emp.ned.id } });
    expect(rec.date).toBe(localDay(rec.clockIn, 'UTC'));
    const stored = (await db.query('SELECT clock_in, date::text AS date, ip_address, location, tenant_id FROM hr.attendance_records WHERE id = $1', [rec.id])).rows[0];
    expect(stored.clock_in.toISOString()).toBe(rec.clockIn);
    expect(stored).toMatchObject({ date: rec.date, location: 'HQ', tenant_id: a.tenantId });
    expect(stored.ip_address).toBeTruthy();

    const twice = await failsCleanly(a.tenantId, () => clockIn({ employeeId: emp.ned.id, method: 'MOBILE' }), 'CONFLICT');
    expect(twice.errors![0].message).toMatch(/already clocked in/);
    const open = await gql(url, 'query($id: ID!) { employee(id: $id) { openAttendance { id } } }', { id: emp.ned.id }, a.headers);
    expect(open.data!.employee.openAttendance).toEqual({ id: rec.id });

    const out = await ok(clockOut(emp.ned.id), 'clockOut');
    expect(out).toMatchObject({ id: rec.id, clockIn: rec.clockIn, status: 'COMPLETED', overtimeMinutes: 0 });
    expect(out.workedMinutes).toBe(minutesBetween(out.clockIn, out.clockOut));
    await failsCleanly(a.tenantId, () => clockOut(emp.ned.id), 'CONFLICT', 'employeeId');
    expect(await outboxCount(a.tenantId)).toBe(before + 2);
    expect((await eventsOf(rec.id)).map((e) => e.type)).toEqual(['hr.attendance.clocked_in', 'hr.attendance.clocked_out']);
  });

  it('clocks in with MOBILE, remote, and refuses a deviceId without BIOMETRIC', async () => {
    const rec = await ok(clockIn({ employeeId: emp.ned.id, method: 'MOBILE', remote: true, location: '48.85,2.35' }), 'clockIn');
    expect(rec).toMatchObject({ method: 'MOBILE', remote: true, status: 'OPEN' });
    await ok(clockOut(emp.ned.id), 'clockOut');
    await failsCleanly(a.tenantId, () => clockIn({ employeeId: emp.ned.id, method: 'WEB', deviceId: NOBODY }), 'BAD_USER_INPUT', 'deviceId');
  });

  it('lets only one of two concurrent clock-ins through', async () => {
    const results = await Promise.all([clockIn({ employeeId: emp.ned.id, method: 'WEB' }), clockIn({ employeeId: emp.ned.id, method: 'WEB' })]);
    expect(results.map((r) => codeOf(r) ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
    expect((await db.query('SELECT count(*)::int AS n FROM hr.attendance_records WHERE employee_id = $1 AND clock_out IS NULL', [emp.ned.id])).rows[0].n).toBe(1);
    await ok(clockOut(emp.ned.id), 'clockOut');
  });

  it('computes the work date in the zone (employee zone until the tenant zone is forwarded), stores UTC', async () => {
    const east = await ok(createEmployee({ employeeNumber: 'TZ-E', firstName: 'Kiri', lastName: 'East', email: 'east@alpha.example', timeZone: 'Pacific/Kiritimati' }), 'createEmployee');
    const west = await ok(createEmployee({ employeeNumber: 'TZ-W', firstName: 'Pago', lastName: 'West', email: 'west@alpha.example', timeZone: 'Pacific/Pago_Pago' }), 'createEmployee');
    const e = await ok(clockIn({ employeeId: east.id, method: 'WEB' }), 'clockIn');
    const w = await ok(clockIn({ employeeId: west.id, method: 'WEB' }), 'clockIn');
    expect(e.date).toBe(localDay(e.clockIn, 'Pacific/Kiritimati'));
    expect(w.date).toBe(localDay(w.clockIn, 'Pacific/Pago_Pago'));
    // UTC+14 and UTC-11 are 25 hours apart: at any instant their dates differ, so at least one
    // differs from the UTC date.
    expect(e.date).not.toBe(w.date);
    expect(e.clockIn).toMatch(/Z$/);
    await ok(clockOut(east.id), 'clockOut');
    await ok(clockOut(west.id), 'clockOut');
  });

  it('turns minutes beyond workHoursPerDay into an overtime record', async () => {
    const e = await ok(createEmployee({ employeeNumber: 'OT-1', firstName: 'Otto', lastName: 'Time', email: 'otto@alpha.example', workHoursPerDay: '7.50' }), 'createEmployee');
    const recordId = await insertRecord(a.tenantId, e.id, { date: todayUtc(), clockIn: minutesAgo(500) });
    const out = await ok(clockOut(e.id), 'clockOut');
    expect(out).toMatchObject({ id: recordId, workedMinutes: 500, overtimeMinutes: 50, status: 'COMPLETED' });
    expect(out.workedMinutes).toBe(minutesBetween(out.clockIn, out.clockOut));
    const ot = (await db.query('SELECT date::text AS date, minutes, status, rate_multiplier::text AS rate, tenant_id, employee_id FROM hr.overtime_records WHERE attendance_record_id = $1', [recordId])).rows;
    expect(ot).toEqual([{ date: todayUtc(), minutes: 50, status: 'pending', rate: '1.50', tenant_id: a.tenantId, employee_id: e.id }]);
    const viaApi = await gql(url, 'query($id: ID!) { attendanceRecord(id: $id) { overtimeRecord { date minutes rateMultiplier status } } }', { id: recordId }, a.headers);
    expect(viaApi.data!.attendanceRecord.overtimeRecord).toEqual({ date: todayUtc(), minutes: 50, rateMultiplier: '1.50', status: 'pending' });
    expect((await eventsOf(recordId)).map((x) => x.type)).toEqual(['hr.attendance.clocked_out']);
    const otEvents = await db.query("SELECT payload FROM hr.outbox WHERE type = 'hr.overtime.created' AND payload->'data'->>'attendanceRecordId' = $1", [recordId]);
    expect(otEvents.rows).toHaveLength(1);
    expect(otEvents.rows[0].payload.data.minutes).toBe(50);
  });

  it('applies the daily threshold to the day\'s total across records, not to each record', async () => {
    const e = await ok(createEmployee({ employeeNumber: 'OT-2', firstName: 'Daisy', lastName: 'Day', email: 'daisy@alpha.example' }), 'createEmployee');
    const today = todayUtc();
    // Yesterday's 10 hours count for yesterday only; this morning's 5 hours count for today.
    await insertRecord(a.tenantId, e.id, { date: addDays(today, -1), clockIn: `${addDays(today, -1)}T06:00:00Z`, clockOut: `${addDays(today, -1)}T16:00:00Z`, worked: 600, overtime: 120 });
    await insertRecord(a.tenantId, e.id, { date: today, clockIn: minutesAgo(600), clockOut: minutesAgo(300), worked: 300 });
    await insertRecord(a.tenantId, e.id, { date: today, clockIn: minutesAgo(240) });
    const out = await ok(clockOut(e.id), 'clockOut');
    expect(out).toMatchObject({ workedMinutes: 240, overtimeMinutes: 60 }); // 300 + 240 - 480
    // A third record the same day is all overtime: the threshold is already used up.
    await insertRecord(a.tenantId, e.id, { date: today, clockIn: minutesAgo(30) });
    expect(await ok(clockOut(e.id), 'clockOut')).toMatchObject({ workedMinutes: 30, overtimeMinutes: 30 });
    const sheet = await ok(timesheet(e.id, today, today), 'timesheet');
    expect(sheet).toMatchObject({ totalWorkedMinutes: 570, totalOvertimeMinutes: 90 });
  });

  it('counts a shift that crosses midnight on the day it started', async () => {
    const e = await ok(createEmployee({ employeeNumber: 'NS-1', firstName: 'Nina', lastName: 'Night', email: 'nina@alpha.example', workHoursPerDay: '1' }), 'createEmployee');
    const today = todayUtc();
    const yesterday = addDays(today, -1);
    const recordId = await insertRecord(a.tenantId, e.id, { date: yesterday, clockIn: `${yesterday}T22:00:00.000Z` });
    const out = await ok(clockOut(e.id), 'clockOut');
    expect(localDay(out.clockOut, 'UTC')).toBe(today);
    const worked = minutesBetween(out.clockIn, out.clockOut);
    expect(out).toMatchObject({ workedMinutes: worked, overtimeMinutes: worked - 60 });
    const ot = (await db.query('SELECT date::text AS date, minutes FROM hr.overtime_records WHERE attendance_record_id = $1', [recordId])).rows;
    expect(ot).toEqual([{ date: yesterday, minutes: worked - 60 }]);
    const onStartDay = await ok(timesheet(e.id, yesterday, yesterday), 'timesheet');
    expect(onStartDay.records).toEqual([expect.objectContaining({ id: recordId, date: yesterday, workedMinutes: worked, overtimeMinutes: worked - 60 })]);
    expect(onStartDay).toMatchObject({ totalWorkedMinutes: worked, totalOvertimeMinutes: worked - 60 });
    expect((await ok(timesheet(e.id, today, today), 'timesheet')).records).toEqual([]);
  });

  it('refuses unknown employees (NOT_FOUND on employeeId) and callers without a credential', async () => {
    await failsCleanly(a.tenantId, () => clockIn({ employeeId: NOBODY, method: 'WEB' }), 'NOT_FOUND', 'employeeId');
    await failsCleanly(a.tenantId, () => clockIn({ employeeId: 'not-an-id', method: 'WEB' }), 'NOT_FOUND', 'employeeId');
    await failsCleanly(a.tenantId, () => clockOut(NOBODY), 'NOT_FOUND', 'employeeId');
    expect(codeOf(await clockIn({ employeeId: emp.ned.id, method: 'WEB' }, {}))).toBe('UNAUTHENTICATED');
    expect(codeOf(await clockIn({ employeeId: emp.ned.id, method: 'TELEPATHY' }))).toBe('BAD_USER_INPUT');
  });
});

describe('biometric devices', () => {
  let device: any;
  let secret: string;

  it('registers a device and shows its secret once, storing only a hash (RegisterBiometricDevice)', async () => {
    const reg = await ok(run('RegisterBiometricDevice', { input: { name: 'Front door', serialNumber: 'BIO-001', location: 'Lobby', model: 'FP-9' } }, a.headers), 'registerBiometricDevice');
    device = reg.device;
    secret = reg.secret;
    expect(device).toMatchObject({ name: 'Front door', serialNumber: 'BIO-001', location: 'Lobby', status: 'ACTIVE' });
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = (await db.query('SELECT secret_hash, registered_by, tenant_id FROM hr.biometric_devices WHERE id = $1', [device.id])).rows[0];
    expect(row.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(row.secret_hash).not.toContain(secret);
    expect(row).toMatchObject({ registered_by: a.userId, tenant_id: a.tenantId });
    const [event] = await eventsOf(device.id);
    expect(event.type).toBe('hr.device.registered');
    expect(JSON.stringify(event.payload)).not.toContain(secret);
    expect(JSON.stringify(event.payload)).not.toContain(row.secret_hash);
    const list = await gql(url, '{ biometricDevices { id serialNumber status registeredBy { id } } }', {}, a.headers);
    expect(list.data!.biometricDevices).toEqual([{ id: device.id, serialNumber: 'BIO-001', status: 'ACTIVE', registeredBy: { id: a.userId } }]);
  });

  it('refuses a taken serial number and callers without hr:write', async () => {
    await failsCleanly(a.tenantId, () => run('RegisterBiometricDevice', { input: { name: 'Copy', serialNumber: 'BIO-001' } }, a.headers), 'CONFLICT', 'serialNumber');
    await failsCleanly(a.tenantId, () => run('RegisterBiometricDevice', { input: { name: '', serialNumber: 'BIO-002' } }, a.headers), 'BAD_USER_INPUT', 'name');
    await failsCleanly(a.tenantId, () => run('RegisterBiometricDevice', { input: { name: 'Mine', serialNumber: 'BIO-003' } }, emma.headers), 'FORBIDDEN');
  });

  it('clocks in with BIOMETRIC through an active device and its secret', async () => {
    const rec = await ok(clockIn({ employeeId: emp.ned.id, method: 'BIOMETRIC', deviceId: device.id, deviceSecret: secret }), 'clockIn');
    expect(rec).toMatchObject({ method: 'BIOMETRIC', status: 'OPEN', employee: { id: emp.ned.id } });
    const withDevice = await gql(url, 'query($id: ID!) { attendanceRecord(id: $id) { method device { id lastSeenAt } } }', { id: rec.id }, a.headers);
    expect(withDevice.data!.attendanceRecord.device.id).toBe(device.id);
    expect(Date.parse(withDevice.data!.attendanceRecord.device.lastSeenAt)).toBe(Date.parse(rec.clockIn));
    await ok(clockOut(emp.ned.id), 'clockOut');
  });

  it('refuses BIOMETRIC without a device, with an unknown device, or without the right secret', async () => {
    const bio = (extra: Record<string, unknown>) => () => clockIn({ employeeId: emp.ned.id, method: 'BIOMETRIC', ...extra });
    await failsCleanly(a.tenantId, bio({ deviceSecret: secret }), 'BAD_USER_INPUT', 'deviceId');
    await failsCleanly(a.tenantId, bio({ deviceId: NOBODY, deviceSecret: secret }), 'NOT_FOUND', 'deviceId');
    await failsCleanly(a.tenantId, bio({ deviceId: device.id }), 'FORBIDDEN', 'deviceSecret');
    await failsCleanly(a.tenantId, bio({ deviceId: device.id, deviceSecret: `${secret.slice(0, -1)}x` }), 'FORBIDDEN', 'deviceSecret');
    expect((await db.query('SELECT count(*)::int AS n FROM hr.attendance_records WHERE employee_id = $1 AND clock_out IS NULL', [emp.ned.id])).rows[0].n).toBe(0);
  });

  it('refuses a device that is not active; revoking twice is CONFLICT', async () => {
    await failsCleanly(a.tenantId, () => gql(url, 'mutation($id: ID!) { revokeBiometricDevice(id: $id) { id } }', { id: device.id }, emma.headers), 'FORBIDDEN');
    const revoked = await gql(url, 'mutation($id: ID!) { revokeBiometricDevice(id: $id) { id status } }', { id: device.id }, a.headers);
    expect(revoked.data!.revokeBiometricDevice).toEqual({ id: device.id, status: 'REVOKED' });
    await failsCleanly(a.tenantId, () => gql(url, 'mutation($id: ID!) { revokeBiometricDevice(id: $id) { id } }', { id: device.id }, a.headers), 'CONFLICT');
    await failsCleanly(a.tenantId, () => clockIn({ employeeId: emp.ned.id, method: 'BIOMETRIC', deviceId: device.id, deviceSecret: secret }), 'FORBIDDEN', 'deviceId');
    await failsCleanly(a.tenantId, () => gql(url, 'mutation($id: ID!) { revokeBiometricDevice(id: $id) { id } }', { id: NOBODY }, a.headers), 'NOT_FOUND');
  });
});

describe('self-service with hr:read', () => {
  it('a member clocks themself in and out, but nobody else', async () => {
    const rec = await ok(clockIn({ employeeId: emp.emma.id, method: 'WEB' }, emma.headers), 'clockIn');
    expect(rec.employee.id).toBe(emp.emma.id);
    expect((await eventsOf(rec.id))[0].actor_id).toBe(emma.userId);
    await failsCleanly(a.tenantId, () => clockIn({ employeeId: emp.ned.id, method: 'WEB' }, emma.headers), 'FORBIDDEN');
    await ok(clockIn({ employeeId: emp.ned.id, method: 'WEB' }), 'clockIn');
    await failsCleanly(a.tenantId, () => clockOut(emp.ned.id, emma.headers), 'FORBIDDEN');
    await ok(clockOut(emp.ned.id), 'clockOut');
    expect((await ok(clockOut(emp.emma.id, emma.headers), 'clockOut')).status).toBe('COMPLETED');
  });

  it('a member without an employee record acts on nobody', async () => {
    await failsCleanly(a.tenantId, () => clockIn({ employeeId: emp.emma.id, method: 'WEB' }, nora.headers), 'FORBIDDEN');
    await failsCleanly(a.tenantId, () => requestLeave({ employeeId: emp.emma.id, type: 'SICK', startDate: '2026-05-04', endDate: '2026-05-04' }, nora.headers), 'FORBIDDEN');
  });
});

describe('leave', () => {
  let emmaLeave: any;
  let nedLeave: any;

  it('requests leave counted in working days (RequestLeave)', async () => {
    // 2026-03-02 is a Monday: Monday to Sunday holds five working days.
    emmaLeave = await ok(requestLeave({ employeeId: emp.emma.id, type: 'VACATION', startDate: '2026-03-02', endDate: '2026-03-08', reason: 'Skiing' }, emma.headers), 'requestLeave');
    expect(emmaLeave).toMatchObject({ type: 'VACATION', startDate: '2026-03-02', endDate: '2026-03-08', days: '5.00', status: 'PENDING', reason: 'Skiing' });
    const row = (await db.query('SELECT requested_by, status, type, tenant_id FROM hr.leave_requests WHERE id = $1', [emmaLeave.id])).rows[0];
    expect(row).toEqual({ requested_by: emma.userId, status: 'pending', type: 'vacation', tenant_id: a.tenantId });
    // Friday to Monday: two working days. One day: one.
    nedLeave = await ok(requestLeave({ employeeId: emp.ned.id, type: 'PERSONAL', startDate: '2026-03-06', endDate: '2026-03-09' }), 'requestLeave');
    expect(nedLeave.days).toBe('2.00');
    const one = await ok(requestLeave({ employeeId: emp.max.id, type: 'SICK', startDate: '2026-03-11', endDate: '2026-03-11' }, max.headers), 'requestLeave');
    expect(one).toMatchObject({ days: '1.00', type: 'SICK', reason: null });
    expect((await eventsOf(emmaLeave.id)).map((e) => e.type)).toEqual(['hr.leave.requested']);
  });

  it('refuses overlapping a pending leave, bad ranges and someone else\'s leave without hr:write', async () => {
    const overlap = await failsCleanly(a.tenantId, () => requestLeave({ employeeId: emp.emma.id, type: 'SICK', startDate: '2026-03-06', endDate: '2026-03-10' }, emma.headers), 'CONFLICT');
    expect(overlap.errors![0].message).toMatch(/pending/);
    await failsCleanly(a.tenantId, () => requestLeave({ employeeId: emp.emma.id, type: 'SICK', startDate: '2026-03-10', endDate: '2026-03-09' }, emma.headers), 'BAD_USER_INPUT', 'endDate');
    await failsCleanly(a.tenantId, () => requestLeave({ employeeId: emp.emma.id, type: 'SICK', startDate: '2026-03-14', endDate: '2026-03-15' }, emma.headers), 'BAD_USER_INPUT', 'startDate');
    await failsCleanly(a.tenantId, () => requestLeave({ employeeId: emp.emma.id, type: 'SICK', startDate: '2026-01-01', endDate: '2027-06-01' }, emma.headers), 'BAD_USER_INPUT', 'endDate');
    await failsCleanly(a.tenantId, () => requestLeave({ employeeId: emp.ned.id, type: 'SICK', startDate: '2026-04-01', endDate: '2026-04-01' }, emma.headers), 'FORBIDDEN');
    await failsCleanly(a.tenantId, () => requestLeave({ employeeId: NOBODY, type: 'SICK', startDate: '2026-04-01', endDate: '2026-04-01' }), 'NOT_FOUND', 'employeeId');
    expect(codeOf(await requestLeave({ employeeId: emp.emma.id, type: 'HOLIDAY', startDate: '2026-04-01', endDate: '2026-04-01' }))).toBe('BAD_USER_INPUT');
  });

  it('lets only one of two concurrent overlapping requests through', async () => {
    const input = { employeeId: emp.ned.id, type: 'UNPAID', startDate: '2026-06-01', endDate: '2026-06-05' };
    const results = await Promise.all([requestLeave(input), requestLeave({ ...input, startDate: '2026-06-03' })]);
    expect(results.map((r) => codeOf(r) ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
  });

  it('refuses deciders who are neither the manager nor holders of hr:approve', async () => {
    await failsCleanly(a.tenantId, () => decideLeave(emmaLeave.id, true, null, nora.headers), 'FORBIDDEN');
    await failsCleanly(a.tenantId, () => decideLeave(emmaLeave.id, true, 'me, myself', emma.headers), 'FORBIDDEN');
    await failsCleanly(a.tenantId, () => decideLeave(NOBODY, true, null), 'NOT_FOUND');
  });

  it('lets the manager decide once (DecideLeave); a second decision is CONFLICT', async () => {
    const decided = await ok(decideLeave(emmaLeave.id, true, 'Enjoy', max.headers), 'decideLeave');
    expect(decided).toMatchObject({ id: emmaLeave.id, status: 'APPROVED', note: 'Enjoy', decidedBy: { id: max.userId, email: max.email } });
    expect(Math.abs(Date.parse(decided.decidedAt) - Date.now())).toBeLessThan(60_000);
    const [, event] = await eventsOf(emmaLeave.id);
    expect(event).toMatchObject({ type: 'hr.leave.approved', actor_id: max.userId });
    expect(event.payload.audit.changes.status).toEqual({ from: 'pending', to: 'approved' });
    const again = await failsCleanly(a.tenantId, () => decideLeave(emmaLeave.id, false, null), 'CONFLICT');
    expect(again.errors![0].message).toMatch(/approved/);
    // Overlapping an approved leave is CONFLICT too.
    await failsCleanly(a.tenantId, () => requestLeave({ employeeId: emp.emma.id, type: 'SICK', startDate: '2026-03-08', endDate: '2026-03-09' }, emma.headers), 'CONFLICT');
  });

  it('lets a holder of hr:approve decide, never on their own leave', async () => {
    const rejected = await ok(decideLeave(nedLeave.id, false, 'Busy week'), 'decideLeave');
    expect(rejected).toMatchObject({ status: 'REJECTED', note: 'Busy week', decidedBy: { id: a.userId, email: a.email } });
    // A rejected request does not block the same dates.
    const retry = await ok(requestLeave({ employeeId: emp.ned.id, type: 'PERSONAL', startDate: '2026-03-06', endDate: '2026-03-09' }), 'requestLeave');
    expect(retry.status).toBe('PENDING');
    const own = await ok(requestLeave({ employeeId: emp.owner.id, type: 'VACATION', startDate: '2026-07-06', endDate: '2026-07-10' }), 'requestLeave');
    const self = await failsCleanly(a.tenantId, () => decideLeave(own.id, true, null), 'FORBIDDEN');
    expect(self.errors![0].message).toMatch(/own leave/);
    // Max manages Emma and Ned, not the owner.
    await failsCleanly(a.tenantId, () => decideLeave(own.id, true, null, max.headers), 'FORBIDDEN');
  });

  it('lists and pages leave requests with filters, and per employee', async () => {
    const pending = await gql(url, 'query($f: LeaveRequestFilter) { leaveRequests(filter: $f, first: 50) { totalCount edges { node { id status employee { id } } } } }', { f: { status: 'PENDING', employeeId: emp.ned.id } }, a.headers);
    expect(pending.errors).toBeUndefined();
    expect(pending.data!.leaveRequests.edges.every((e: any) => e.node.status === 'PENDING' && e.node.employee.id === emp.ned.id)).toBe(true);
    expect(pending.data!.leaveRequests.totalCount).toBe(2);
    const page = await gql(url, '{ leaveRequests(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }', {}, a.headers);
    const rest = await gql(url, 'query($after: String) { leaveRequests(first: 50, after: $after) { edges { node { id } } } }', { after: page.data!.leaveRequests.pageInfo.endCursor }, a.headers);
    const ids = [...page.data!.leaveRequests.edges, ...rest.data!.leaveRequests.edges].map((e: any) => e.node.id);
    expect(new Set(ids).size).toBe(page.data!.leaveRequests.totalCount);
    const mine = await gql(url, 'query($id: ID!) { employee(id: $id) { leaveRequests { id status requestedBy { id } } } }', { id: emp.emma.id }, a.headers);
    expect(mine.data!.employee.leaveRequests).toEqual([{ id: emmaLeave.id, status: 'APPROVED', requestedBy: { id: emma.userId } }]);
  });
});

describe('timesheet', () => {
  it('lists the records of the range and totals that agree with them, with approved leave (Timesheet)', async () => {
    const e = await ok(createEmployee({ employeeNumber: 'TS-1', firstName: 'Tim', lastName: 'Sheet', email: 'tim@alpha.example' }), 'createEmployee');
    const mk = (date: string, worked: number, overtime: number, start = '08:00') =>
      insertRecord(a.tenantId, e.id, { date, clockIn: `${date}T${start}:00Z`, clockOut: new Date(Date.parse(`${date}T${start}:00Z`) + worked * 60_000).toISOString(), worked, overtime });
    await mk('2026-02-27', 480, 0); // before the range
    const r1 = await mk('2026-03-02', 480, 0);
    const r2 = await mk('2026-03-03', 545, 65);
    const r3 = await mk('2026-03-03', 30, 30, '18:00'); // a second, later shift that day
    await mk('2026-03-07', 480, 0); // after the range
    // Approved leave inside the range (Wed), approved leave crossing its end (Thu-next Tue),
    // pending leave inside it (not on a timesheet), and rejected leave.
    const inside = await ok(requestLeave({ employeeId: e.id, type: 'SICK', startDate: '2026-03-04', endDate: '2026-03-04' }), 'requestLeave');
    const crossing = await ok(requestLeave({ employeeId: e.id, type: 'VACATION', startDate: '2026-03-05', endDate: '2026-03-10' }), 'requestLeave');
    await ok(requestLeave({ employeeId: e.id, type: 'PERSONAL', startDate: '2026-02-20', endDate: '2026-02-20' }), 'requestLeave');
    const rejected = await ok(requestLeave({ employeeId: e.id, type: 'UNPAID', startDate: '2026-03-02', endDate: '2026-03-02' }), 'requestLeave');
    await ok(decideLeave(inside.id, true, null), 'decideLeave');
    await ok(decideLeave(crossing.id, true, null), 'decideLeave');
    await ok(decideLeave(rejected.id, false, null), 'decideLeave');
    const open = await insertRecord(a.tenantId, e.id, { date: '2026-03-06', clockIn: '2026-03-06T09:00:00Z' });

    const sheet = await ok(timesheet(e.id, '2026-03-02', '2026-03-06'), 'timesheet');
    expect(sheet.records.map((r: any) => r.id)).toEqual([r1, r2, r3, open]);
    expect(sheet.records[1]).toEqual({
      id: r2, date: '2026-03-03', clockIn: '2026-03-03T08:00:00.000Z', clockOut: '2026-03-03T17:05:00.000Z', workedMinutes: 545, overtimeMinutes: 65, method: 'WEB', remote: false,
    });
    expect(sheet.records[3]).toMatchObject({ clockOut: null, workedMinutes: null, overtimeMinutes: 0 });
    expect(sheet.totalWorkedMinutes).toBe(480 + 545 + 30);
    expect(sheet.totalOvertimeMinutes).toBe(95);
    expect(sheet.totalWorkedMinutes).toBe(sheet.records.reduce((s: number, r: any) => s + (r.workedMinutes ?? 0), 0));
    expect(sheet.totalOvertimeMinutes).toBe(sheet.records.reduce((s: number, r: any) => s + r.overtimeMinutes, 0));
    expect(sheet.leave).toEqual([
      { id: inside.id, type: 'SICK', startDate: '2026-03-04', endDate: '2026-03-04', status: 'APPROVED' },
      { id: crossing.id, type: 'VACATION', startDate: '2026-03-05', endDate: '2026-03-10', status: 'APPROVED' },
    ]);
    const days = await gql(url, 'query($id: ID!) { timesheet(employeeId: $id, from: "2026-03-02", to: "2026-03-06") { from to totalLeaveDays employee { id } } }', { id: e.id }, a.headers);
    // Wed (1) + Thu and Fri of the crossing leave (2) = 3.
    expect(days.data!.timesheet).toEqual({ from: '2026-03-02', to: '2026-03-06', totalLeaveDays: '3.00', employee: { id: e.id } });

    const empty = await ok(timesheet(e.id, '2025-01-01', '2025-01-31'), 'timesheet');
    expect(empty).toEqual({ totalWorkedMinutes: 0, totalOvertimeMinutes: 0, records: [], leave: [] });
  });

  it('refuses unknown employees and bad ranges', async () => {
    await failsCleanly(a.tenantId, () => timesheet(NOBODY, '2026-03-01', '2026-03-31'), 'NOT_FOUND', 'employeeId');
    await failsCleanly(a.tenantId, () => timesheet(emp.ned.id, '2026-03-31', '2026-03-01'), 'BAD_USER_INPUT', 'to');
    await failsCleanly(a.tenantId, () => timesheet(emp.ned.id, '2025-01-01', '2026-03-01'), 'BAD_USER_INPUT', 'to');
    expect(codeOf(await timesheet(emp.ned.id, '2026-03-01', '2026-03-02', {}))).toBe('UNAUTHENTICATED');
  });
});

describe('remote work', () => {
  it('starts and ends a session, at most one open per employee (StartRemoteSession, EndRemoteSession)', async () => {
    const started = await ok(run('StartRemoteSession', { input: { employeeId: emp.emma.id, ipAddress: '203.0.113.7', location: 'Home' } }, emma.headers), 'startRemoteSession');
    expect(started.status).toBe('ACTIVE');
    expect(Math.abs(Date.parse(started.startedAt) - Date.now())).toBeLessThan(60_000);
    const row = (await db.query('SELECT ip_address, location, employee_id, tenant_id, ended_at FROM hr.remote_work_sessions WHERE id = $1', [started.id])).rows[0];
    expect(row).toEqual({ ip_address: '203.0.113.7', location: 'Home', employee_id: emp.emma.id, tenant_id: a.tenantId, ended_at: null });
    await failsCleanly(a.tenantId, () => run('StartRemoteSession', { input: { employeeId: emp.emma.id } }, emma.headers), 'CONFLICT', 'employeeId');
    const active = await gql(url, 'query($id: ID!) { employee(id: $id) { activeRemoteSession { id } } }', { id: emp.emma.id }, a.headers);
    expect(active.data!.employee.activeRemoteSession).toEqual({ id: started.id });

    const ended = await ok(run('EndRemoteSession', { id: started.id }, emma.headers), 'endRemoteSession');
    expect(ended).toMatchObject({ id: started.id, startedAt: started.startedAt, status: 'ENDED' });
    expect(Date.parse(ended.endedAt)).toBeGreaterThanOrEqual(Date.parse(started.startedAt));
    await failsCleanly(a.tenantId, () => run('EndRemoteSession', { id: started.id }, emma.headers), 'CONFLICT');
    expect((await eventsOf(started.id)).map((e) => e.type)).toEqual(['hr.remote_session.started', 'hr.remote_session.ended']);
    // After ending, a new one may start; it links to the open attendance record.
    const rec = await ok(clockIn({ employeeId: emp.emma.id, method: 'WEB', remote: true }, emma.headers), 'clockIn');
    const next = await ok(run('StartRemoteSession', { input: { employeeId: emp.emma.id } }, emma.headers), 'startRemoteSession');
    const linked = await gql(url, 'query($id: ID!) { remoteWorkSession(id: $id) { ipAddress attendanceRecord { id } employee { id } } }', { id: next.id }, a.headers);
    expect(linked.data!.remoteWorkSession).toMatchObject({ attendanceRecord: { id: rec.id }, employee: { id: emp.emma.id } });
    expect(linked.data!.remoteWorkSession.ipAddress).toBeTruthy();
    await ok(run('EndRemoteSession', { id: next.id }, emma.headers), 'endRemoteSession');
    await ok(clockOut(emp.emma.id, emma.headers), 'clockOut');
  });

  it('lets only one of two concurrent starts through', async () => {
    const start = () => run('StartRemoteSession', { input: { employeeId: emp.ned.id } }, a.headers);
    const results = await Promise.all([start(), start()]);
    expect(results.map((r) => codeOf(r) ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
    const id = results.find((r) => !r.errors)!.data!.startRemoteSession.id;
    // Emma (hr:read) cannot end Ned's session; the owner (hr:write) can.
    await failsCleanly(a.tenantId, () => run('EndRemoteSession', { id }, emma.headers), 'FORBIDDEN');
    await ok(run('EndRemoteSession', { id }, a.headers), 'endRemoteSession');
  });

  it('refuses bad input, unknown ids and other employees\' sessions without hr:write', async () => {
    await failsCleanly(a.tenantId, () => run('StartRemoteSession', { input: { employeeId: emp.emma.id, ipAddress: '999.1.1.1' } }, emma.headers), 'BAD_USER_INPUT', 'ipAddress');
    await failsCleanly(a.tenantId, () => run('StartRemoteSession', { input: { employeeId: emp.ned.id } }, emma.headers), 'FORBIDDEN');
    await failsCleanly(a.tenantId, () => run('StartRemoteSession', { input: { employeeId: NOBODY } }, a.headers), 'NOT_FOUND', 'employeeId');
    await failsCleanly(a.tenantId, () => run('EndRemoteSession', { id: NOBODY }, a.headers), 'NOT_FOUND');
    await failsCleanly(a.tenantId, () => run('EndRemoteSession', { id: 'nope' }, a.headers), 'NOT_FOUND');
  });
});

describe('module gating', () => {
  it('refuses every HR operation with FORBIDDEN naming the module when the tenant disabled hr', async () => {
    const g = await signUpTenant(url, 'Gated');
    const e = await ok(createEmployee({ employeeNumber: 'G-1', firstName: 'Gus', lastName: 'Gated', email: 'gus@gated.example', userId: g.userId }, g), 'createEmployee');
    const reg = await ok(run('RegisterBiometricDevice', { input: { name: 'Door', serialNumber: 'G-BIO' } }, g.headers), 'registerBiometricDevice');
    const leave = await ok(requestLeave({ employeeId: e.id, type: 'SICK', startDate: '2026-03-02', endDate: '2026-03-02' }, g.headers), 'requestLeave');
    const session = await ok(run('StartRemoteSession', { input: { employeeId: e.id } }, g.headers), 'startRemoteSession');
    // Through the platform's UpdateTenant: the same access token is gated from the next request.
    const off = await gql(url, 'mutation($m: [String!]) { updateTenant(input: { enabledModules: $m }) { enabledModules } }', { m: ['crm', 'office', 'identity'] }, g.headers);
    expect(off.data!.updateTenant.enabledModules).toEqual(['crm', 'office', 'identity']);
    const headers = g.headers;
    const calls: [string, Record<string, unknown>][] = [
      ['CreateEmployee', { input: { employeeNumber: 'G-2', firstName: 'G', lastName: 'G', email: 'g2@gated.example' } }],
      ['Employees', {}],
      ['ClockIn', { input: { employeeId: e.id, method: 'WEB' } }],
      ['ClockIn', { input: { employeeId: e.id, method: 'BIOMETRIC', deviceId: reg.device.id, deviceSecret: reg.secret } }],
      ['ClockOut', { employeeId: e.id }],
      ['RequestLeave', { input: { employeeId: e.id, type: 'SICK', startDate: '2026-03-03', endDate: '2026-03-03' } }],
      ['DecideLeave', { id: leave.id, approve: true }],
      ['Timesheet', { employeeId: e.id, from: '2026-03-01', to: '2026-03-31' }],
      ['RegisterBiometricDevice', { input: { name: 'Door 2', serialNumber: 'G-BIO-2' } }],
      ['StartRemoteSession', { input: { employeeId: e.id } }],
      ['EndRemoteSession', { id: session.id }],
    ];
    for (const [name, variables] of calls) {
      const res = await failsCleanly(g.tenantId, () => run(name, variables, headers), 'FORBIDDEN');
      expect(res.errors![0].message).toMatch(/\bhr\b/);
    }
    const me = await gql(url, '{ me { id employee { id } } }', {}, headers);
    expect(me.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Still there once the module is back.
    await gql(url, 'mutation($m: [String!]) { updateTenant(input: { enabledModules: $m }) { enabledModules } }', { m: ['crm', 'office', 'hr', 'identity'] }, g.headers);
    const back = g.headers;
    expect((await ok(run('Employees', {}, back), 'employees')).totalCount).toBe(1);
  });

  it('refuses every HR operation without a credential', async () => {
    for (const name of ['Employees', 'CreateEmployee', 'ClockIn', 'ClockOut', 'RequestLeave', 'DecideLeave', 'Timesheet', 'RegisterBiometricDevice', 'StartRemoteSession', 'EndRemoteSession']) {
      const variables: Record<string, Record<string, unknown>> = {
        CreateEmployee: { input: { employeeNumber: 'U', firstName: 'U', lastName: 'U', email: 'u@u.example' } },
        ClockIn: { input: { employeeId: emp.ned.id, method: 'WEB' } },
        ClockOut: { employeeId: emp.ned.id },
        RequestLeave: { input: { employeeId: emp.ned.id, type: 'SICK', startDate: '2026-09-01', endDate: '2026-09-01' } },
        DecideLeave: { id: NOBODY, approve: true },
        Timesheet: { employeeId: emp.ned.id, from: '2026-03-01', to: '2026-03-02' },
        RegisterBiometricDevice: { input: { name: 'x', serialNumber: 'x' } },
        StartRemoteSession: { input: { employeeId: emp.ned.id } },
        EndRemoteSession: { id: NOBODY },
      };
      await failsCleanly(a.tenantId, () => run(name, variables[name] ?? {}, {}), 'UNAUTHENTICATED');
    }
  });
});

describe('two-tenant isolation', () => {
  const ida: Record<string, string> = {};
  let secretA: string;
  let bEmployee: string;

  beforeAll(async () => {
    const reg = await ok(run('RegisterBiometricDevice', { input: { name: 'Alpha door', serialNumber: 'ISO-1' } }, a.headers), 'registerBiometricDevice');
    ida.device = reg.device.id;
    secretA = reg.secret;
    ida.record = (await ok(clockIn({ employeeId: emp.ned.id, method: 'WEB' }), 'clockIn')).id;
    ida.leave = (await ok(requestLeave({ employeeId: emp.ned.id, type: 'VACATION', startDate: '2026-10-05', endDate: '2026-10-09' }), 'requestLeave')).id;
    ida.session = (await ok(run('StartRemoteSession', { input: { employeeId: emp.ned.id } }, a.headers), 'startRemoteSession')).id;
    // B has the same employee number and email as one of A's: both tenants may.
    bEmployee = (await ok(createEmployee({ employeeNumber: 'E-2', firstName: 'Bea', lastName: 'Beta', email: 'ned@alpha.example', userId: b.userId }, b), 'createEmployee')).id;
  });

  it('B cannot list, filter, page into or read A\'s employees, records, leave, devices or sessions', async () => {
    for (const filter of [undefined, { search: 'nouser' }, { department: 'Ops' }, { managerId: emp.max.id }]) {
      const res = await ok(run('Employees', { filter }, b.headers), 'employees');
      expect(res.edges.map((e: any) => e.node.id)).toEqual(filter ? [] : [bEmployee]);
    }
    const cursorA = (await ok(run('Employees', { first: 1 }, a.headers), 'employees')).pageInfo.endCursor;
    expect((await ok(run('Employees', { after: cursorA }, b.headers), 'employees')).edges.map((e: any) => e.node.id)).toEqual([bEmployee]);
    const byId = await gql(url, `query($e: ID!, $r: ID!, $l: ID!, $d: ID!, $s: ID!) {
      employee(id: $e) { id } attendanceRecord(id: $r) { id } leaveRequest(id: $l) { id } biometricDevice(id: $d) { id } remoteWorkSession(id: $s) { id }
      biometricDevices { id } leaveRequests { totalCount edges { node { id } } }
    }`, { e: emp.ned.id, r: ida.record, l: ida.leave, d: ida.device, s: ida.session }, b.headers);
    expect(byId.errors).toBeUndefined();
    expect(byId.data).toEqual({ employee: null, attendanceRecord: null, leaveRequest: null, biometricDevice: null, remoteWorkSession: null, biometricDevices: [], leaveRequests: { totalCount: 0, edges: [] } });
    const leaveCursor = (await gql(url, '{ leaveRequests(first: 1) { pageInfo { endCursor } } }', {}, a.headers)).data!.leaveRequests.pageInfo.endCursor;
    const paged = await gql(url, 'query($after: String, $f: LeaveRequestFilter) { leaveRequests(after: $after, filter: $f) { edges { node { id } } } }', { after: leaveCursor, f: { employeeId: emp.ned.id } }, b.headers);
    expect(paged.data!.leaveRequests.edges).toEqual([]);
    await failsCleanly(b.tenantId, () => timesheet(emp.ned.id, '2026-01-01', '2026-12-31', b.headers), 'NOT_FOUND', 'employeeId');
  });

  it('B cannot clock, request, decide, start or end anything of A\'s, nor use A\'s device', async () => {
    await failsCleanly(b.tenantId, () => clockIn({ employeeId: emp.emma.id, method: 'WEB' }, b.headers), 'NOT_FOUND', 'employeeId');
    await failsCleanly(b.tenantId, () => clockOut(emp.ned.id, b.headers), 'NOT_FOUND', 'employeeId');
    await failsCleanly(b.tenantId, () => clockIn({ employeeId: bEmployee, method: 'BIOMETRIC', deviceId: ida.device, deviceSecret: secretA }, b.headers), 'NOT_FOUND', 'deviceId');
    await failsCleanly(b.tenantId, () => requestLeave({ employeeId: emp.ned.id, type: 'SICK', startDate: '2026-11-02', endDate: '2026-11-02' }, b.headers), 'NOT_FOUND', 'employeeId');
    await failsCleanly(b.tenantId, () => decideLeave(ida.leave, false, 'no', b.headers), 'NOT_FOUND');
    await failsCleanly(b.tenantId, () => run('StartRemoteSession', { input: { employeeId: emp.ned.id } }, b.headers), 'NOT_FOUND', 'employeeId');
    await failsCleanly(b.tenantId, () => run('EndRemoteSession', { id: ida.session }, b.headers), 'NOT_FOUND');
    await failsCleanly(b.tenantId, () => gql(url, 'mutation($id: ID!) { revokeBiometricDevice(id: $id) { id } }', { id: ida.device }, b.headers), 'NOT_FOUND');
    await failsCleanly(b.tenantId, () => createEmployee({ employeeNumber: 'B-9', firstName: 'B', lastName: 'B', email: 'b9@beta.example', managerId: emp.max.id }, b), 'BAD_USER_INPUT', 'managerId');
    // A's things are untouched.
    const still = await gql(url, `query($r: ID!, $l: ID!, $s: ID!, $d: ID!) {
      attendanceRecord(id: $r) { status clockOut } leaveRequest(id: $l) { status } remoteWorkSession(id: $s) { status } biometricDevice(id: $d) { status }
    }`, { r: ida.record, l: ida.leave, s: ida.session, d: ida.device }, a.headers);
    expect(still.data).toEqual({
      attendanceRecord: { status: 'OPEN', clockOut: null }, leaveRequest: { status: 'PENDING' }, remoteWorkSession: { status: 'ACTIVE' }, biometricDevice: { status: 'ACTIVE' },
    });
    await ok(clockOut(emp.ned.id), 'clockOut');
    await ok(run('EndRemoteSession', { id: ida.session }, a.headers), 'endRemoteSession');
  });

  it('B\'s own device works for B only, and users resolve within their tenant', async () => {
    const reg = await ok(run('RegisterBiometricDevice', { input: { name: 'Beta door', serialNumber: 'ISO-1' } }, b.headers), 'registerBiometricDevice');
    await failsCleanly(a.tenantId, () => clockIn({ employeeId: emp.ned.id, method: 'BIOMETRIC', deviceId: reg.device.id, deviceSecret: reg.secret }), 'NOT_FOUND', 'deviceId');
    const rec = await ok(clockIn({ employeeId: bEmployee, method: 'BIOMETRIC', deviceId: reg.device.id, deviceSecret: reg.secret }, b.headers), 'clockIn');
    expect(rec.method).toBe('BIOMETRIC');
    await ok(clockOut(bEmployee, b.headers), 'clockOut');
    // A's user id is no user of B's; each me sees its own employee only.
    await failsCleanly(b.tenantId, () => createEmployee({ employeeNumber: 'B-2', firstName: 'F', lastName: 'F', email: 'f@beta.example', userId: a.userId }, b), 'BAD_USER_INPUT', 'userId');
    expect((await gql(url, '{ me { employee { id } } }', {}, a.headers)).data!.me.employee).toEqual({ id: emp.owner.id });
    expect((await gql(url, '{ me { employee { id } } }', {}, b.headers)).data!.me.employee).toEqual({ id: bEmployee });
    // Every outbox row of B's is B's.
    const rows = (await db.query("SELECT DISTINCT o.tenant_id FROM hr.outbox o WHERE o.aggregate_id IN (SELECT id FROM hr.employees WHERE tenant_id = $1 UNION SELECT id FROM hr.biometric_devices WHERE tenant_id = $1 UNION SELECT id FROM hr.attendance_records WHERE tenant_id = $1)", [b.tenantId])).rows;
    expect(rows).toEqual([{ tenant_id: b.tenantId }]);
  });
});

// The work date of a clock-in is the day in the tenant's time zone (tenant.settings.timeZone), not
// in UTC: a tenant far east or west of UTC sees shifts on its own calendar day.
import { contractOperation as op, gql, signUpTenant } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const dayIn = (zone: string, at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

it('counts a clock-in on the tenant\'s local day', async () => {
  const url = platform.gatewayUrl;
  const t = await signUpTenant(url, 'Zoned');
  // A zone whose calendar day differs from UTC's right now: UTC+14 from 10:00 UTC on (already
  // tomorrow there), UTC-11 before 10:00 UTC (still yesterday there).
  const zone = new Date().getUTCHours() >= 10 ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago';
  const updated = await gql(url, op('platform', 'UpdateTenant'), { input: { settings: { timeZone: zone } } }, t.headers);
  expect(updated.errors).toBeUndefined();
  const employee = await gql(url, op('hr', 'CreateEmployee'), { input: { employeeNumber: 'Z-1', firstName: 'Zed', lastName: 'Zone', email: 'zed@zoned.example', userId: t.userId } }, t.headers);
  expect(employee.errors).toBeUndefined();
  const before = new Date();
  const clockIn = await gql(url, op('hr', 'ClockIn'), { input: { employeeId: employee.data!.createEmployee.id, method: 'WEB' } }, t.headers);
  const after = new Date();
  expect(clockIn.errors).toBeUndefined();
  expect([dayIn(zone, before), dayIn(zone, after)]).toContain(clockIn.data!.clockIn.date);
  expect(clockIn.data!.clockIn.date).not.toBe(before.toISOString().slice(0, 10));
});

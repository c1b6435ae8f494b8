// The hr subgraph on its own: _entities for each of its entity types, with a signed caller, two
// tenants and the real database (the gateway and the other subgraphs are not running).
import { hrModules, hrSubgraph } from '@bacbos/hr';
import { idsOf, type SeedTenant, type TwoTenantSeed } from '../helpers/seed';
import { describeEntities, startSubgraphUnderTest } from '../helpers/subgraph';

/** One employee per tenant, linked to the tenant's owner: the rows of the other cases hang on it. */
const employees = (seed: TwoTenantSeed) =>
  seed.shared('hr.employees', (s) => s.both('hr.employees', (t) => ({ employee_number: `E-${t.key}`, first_name: 'Eve', last_name: t.key, email: `eve@${t.slug}.example`, user_id: t.ownerId })));
const employeeOf = async (seed: TwoTenantSeed, t: SeedTenant): Promise<string> => (await employees(seed))[t.key].id;

describeEntities('hr', () => startSubgraphUnderTest(hrSubgraph()), hrModules, {
  Employee: {
    seed: async (seed) => idsOf(await employees(seed)),
    fields: 'id employeeNumber lastName user { id }',
    own: (employee, id, t) => expect(employee).toEqual({ id, employeeNumber: `E-${t.key}`, lastName: t.key, user: { id: t.ownerId } }),
  },
  AttendanceRecord: {
    seed: async (seed) => idsOf(await seed.both('hr.attendance_records', async (t) => ({
      employee_id: await employeeOf(seed, t), date: '2026-03-02', clock_in: '2026-03-02T08:00:00Z', clock_out: '2026-03-02T17:00:00Z',
      method: 'web', worked_minutes: 540, overtime_minutes: 60, status: 'completed',
    }))),
    fields: 'id date workedMinutes overtimeMinutes status employee { lastName }',
    own: (record, id, t) => expect(record).toEqual({ id, date: '2026-03-02', workedMinutes: 540, overtimeMinutes: 60, status: 'COMPLETED', employee: { lastName: t.key } }),
  },
  BiometricDevice: {
    seed: async (seed) => idsOf(await seed.both('hr.biometric_devices', (t) => ({ name: `Door ${t.key}`, serial_number: `SN-${t.slug}`, secret_hash: 'f'.repeat(64) }))),
    fields: 'id name serialNumber status',
    own: (device, id, t) => expect(device).toEqual({ id, name: `Door ${t.key}`, serialNumber: `SN-${t.slug}`, status: 'ACTIVE' }),
  },
  LeaveRequest: {
    seed: async (seed) => idsOf(await seed.both('hr.leave_requests', async (t) => ({
      employee_id: await employeeOf(seed, t), type: 'vacation', start_date: '2026-04-06', end_date: '2026-04-10', days: '5', reason: `Trip of ${t.key}`,
    }))),
    fields: 'id type startDate endDate status reason',
    own: (leave, id, t) => expect(leave).toEqual({ id, type: 'VACATION', startDate: '2026-04-06', endDate: '2026-04-10', status: 'PENDING', reason: `Trip of ${t.key}` }),
  },
  RemoteWorkSession: {
    seed: async (seed) => idsOf(await seed.both('hr.remote_work_sessions', async (t) => ({ employee_id: await employeeOf(seed, t), location: `Home of ${t.key}` }))),
    fields: 'id location status employee { lastName }',
    own: (session, id, t) => expect(session).toEqual({ id, location: `Home of ${t.key}`, status: 'ACTIVE', employee: { lastName: t.key } }),
  },
  // A platform User that hr extends with the user's employee record: any id resolves (the platform
  // owns the user), but the employee is the caller's tenant's only.
  User: {
    seed: async (seed) => {
      await employees(seed);
      return { a: seed.a.ownerId, b: seed.b.ownerId };
    },
    fields: 'id employee { lastName }',
    own: (user, id, t) => expect(user).toEqual({ id, employee: { lastName: t.key } }),
    foreign: (user, id) => expect(user).toEqual({ id, employee: null }),
  },
}, 'hr');

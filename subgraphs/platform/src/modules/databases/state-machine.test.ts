// The provisioning state machine and the catalog, beside their code: every move the table allows
// and refuses, and what the provisioner can build, with no database.
import { connectionStringOf, unsupportedReason } from './catalog';
import { provisionerIntervalMs } from './provisioner';
import { DATABASE_STATUSES, PENDING_STATUSES, TRANSITIONS, canTransition, transition } from './state-machine';

describe('the state machine', () => {
  it('lists exactly these moves', () => {
    expect(TRANSITIONS).toEqual({
      provisioning: ['available', 'failed'], available: ['deleting'], failed: ['deleting'], deleting: ['deleted'], deleted: [],
    });
    expect(PENDING_STATUSES).toEqual(['provisioning', 'deleting']);
  });

  it('allows every listed move and refuses every other one with CONFLICT on status', () => {
    for (const from of DATABASE_STATUSES) {
      for (const to of DATABASE_STATUSES) {
        const allowed = (TRANSITIONS[from] as readonly string[]).includes(to);
        expect(canTransition(from, to)).toBe(allowed);
        if (allowed) expect(transition(from, to)).toBe(to);
        else expect(() => transition(from, to)).toThrow(expect.objectContaining({ message: `A database instance cannot go from ${from} to ${to}`, extensions: { code: 'CONFLICT', field: 'status' } }));
      }
    }
  });

  it('refuses statuses it does not know, either side', () => {
    expect(canTransition('provisioning', 'exploded')).toBe(false);
    expect(() => transition('provisioning', 'exploded')).toThrow('cannot go from provisioning to exploded');
    expect(() => transition('mystery', 'available')).toThrow('cannot go from mystery to available');
  });

  it('has no way out of deleted', () => {
    for (const to of DATABASE_STATUSES) expect(canTransition('deleted', to)).toBe(false);
  });
});

describe('the catalog', () => {
  const instance = { engine: 'postgresql', version: '16', config: {} };

  it('builds the engines and versions it lists, and says why not otherwise', () => {
    expect(unsupportedReason(instance)).toBeNull();
    expect(unsupportedReason({ ...instance, engine: 'oracle' })).toBe('unsupported engine oracle; supported: postgresql, mysql, redis, mongodb');
    expect(unsupportedReason({ ...instance, version: '9.6' })).toBe('unsupported postgresql version 9.6; supported: 13, 14, 15, 16, 17');
    expect(unsupportedReason({ ...instance, engine: 'toString' })).toMatch(/^unsupported engine toString/); // not an Object.prototype key
  });

  it('checks the integer settings of config against their bounds', () => {
    expect(unsupportedReason({ ...instance, config: { storageGb: 100, replicas: 2, backupRetentionDays: 35 } })).toBeNull();
    expect(unsupportedReason({ ...instance, config: { storageGb: 0 } })).toBe('config.storageGb must be an integer from 1 to 65536');
    expect(unsupportedReason({ ...instance, config: { replicas: 1.5 } })).toBe('config.replicas must be an integer from 0 to 15');
    expect(unsupportedReason({ ...instance, config: { backupRetentionDays: '7' } })).toBe('config.backupRetentionDays must be an integer from 0 to 35');
  });

  it('names the host after the instance, 8 hex digits of its id and its region; redis has no database path', () => {
    const id = '1234abcd-5678-4000-8000-000000000000';
    expect(connectionStringOf({ id, name: 'orders_db', engine: 'postgresql', region: 'eu-west-1' })).toBe('postgresql://orders-db-1234abcd.eu-west-1.db.bacbos.internal:5432/orders_db');
    expect(connectionStringOf({ id, name: 'cache', engine: 'redis', region: 'us-east-1' })).toBe('redis://cache-1234abcd.us-east-1.db.bacbos.internal:6379');
  });
});

describe('the provisioner interval', () => {
  it('is off under jest, 2 s in production, and DATABASE_PROVISIONER_INTERVAL_MS when set', () => {
    expect(provisionerIntervalMs({ NODE_ENV: 'test' })).toBe(0);
    expect(provisionerIntervalMs({ NODE_ENV: 'production' })).toBe(2000);
    expect(provisionerIntervalMs({ DATABASE_PROVISIONER_INTERVAL_MS: '500', NODE_ENV: 'test' })).toBe(500);
  });
});

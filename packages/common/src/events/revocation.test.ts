import { anonymousCaller, type CallerIdentity } from '../identity';
import type { EventEnvelope } from './envelope';
import { revokedCallers } from './revocation';

const caller = (fields: Partial<CallerIdentity>): CallerIdentity => anonymousCaller({ kind: 'user', tenantId: 't1', ...fields });
const event = (type: string, aggregateId: string, tenantId = 't1') => ({ type, aggregateId, tenantId }) as EventEnvelope;

it('ends the callers of a revoked session or API key, of that tenant only', () => {
  const session = revokedCallers(event('platform.session.revoked', 's1'))!;
  expect(session(caller({ sessionId: 's1' }))).toBe(true);
  expect(session(caller({ sessionId: 's2' }))).toBe(false);
  expect(session(caller({ sessionId: 's1', tenantId: 't2' }))).toBe(false);
  const key = revokedCallers(event('platform.api_key.revoked', 'k1'))!;
  expect(key(caller({ apiKeyId: 'k1' }))).toBe(true);
  expect(key(caller({ sessionId: 'k1' }))).toBe(false);
});

it('revokes nothing on any other event', () => {
  expect(revokedCallers(event('platform.session.created', 's1'))).toBeNull();
  expect(revokedCallers(event('crm.contact.deleted', 's1'))).toBeNull();
});

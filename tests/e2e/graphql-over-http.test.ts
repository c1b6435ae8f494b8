// GraphQL over HTTP conformance: graphql-http's server audits against the gateway. Every MUST and
// every SHOULD passes; the counts are printed.
import { serverAudits } from 'graphql-http';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;

beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

it('passes every MUST and every SHOULD audit of graphql-http', async () => {
  const audits = serverAudits({ url: platform.gatewayUrl, fetchFn: fetch });
  const results = await Promise.all(audits.map(async (audit) => ({ name: audit.name, result: await audit.fn() })));
  const count = (level: 'MUST' | 'SHOULD') => {
    const of = results.filter((r) => r.name.startsWith(level));
    return { passed: of.filter((r) => r.result.status === 'ok').length, total: of.length };
  };
  const must = count('MUST');
  const should = count('SHOULD');
  const failed = results.filter((r) => r.result.status !== 'ok' && !r.name.startsWith('MAY'));
  console.log(`graphql-http server audits: ${must.passed}/${must.total} MUST, ${should.passed}/${should.total} SHOULD` +
    failed.map((r) => `\n  ${r.result.status}: ${r.name}: ${'reason' in r.result ? r.result.reason : ''}`).join(''));
  expect(failed.map((r) => r.name)).toEqual([]);
  expect(must.passed).toBe(must.total);
  expect(should.passed).toBe(should.total);
});

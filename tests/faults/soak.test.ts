// A short soak (scripts/soak.ts, `npm run soak`): one minute of mixed contract traffic over two
// tenants with four live subscribers against the production topology (every process on its own,
// two gateways; private Redis and PostgreSQL), while Redis, a gateway and PostgreSQL fail in turn.
// Outside the fault windows no request fails; no event is lost, duplicated, reordered per contact
// or delivered to another tenant; every operation has its latency measured and every process its
// memory. (The Kafka fault is left to tests/faults/kafka.test.ts and the long run: three brokers
// more would double this file's time.)
import { DEPLOYMENT } from '../../scripts/processes';
import { formatReport, soak } from '../../scripts/soak';

jest.setTimeout(420_000);

test('one minute of traffic with Redis, a gateway and PostgreSQL failing in turn: 0 errors outside the faults, 0 events lost or duplicated', async () => {
  const lines: string[] = [];
  const report = await soak({ minutes: 1, rate: 8, tenants: 2, faults: ['redis', 'gateway', 'postgres'], faultEverySeconds: 15, faultDownSeconds: 3, log: (line) => lines.push(line) });
  process.stdout.write(`${formatReport(report)}\n`);

  expect(report.outsideSamples).toEqual([]);
  expect(report.errorsOutsideFaultWindows).toBe(0);
  expect(report.eventsExpected).toBeGreaterThan(50);
  expect({ lost: report.eventsLost, duplicated: report.eventsDuplicated, outOfOrder: report.eventsOutOfOrder, otherTenant: report.eventsOfAnotherTenant })
    .toEqual({ lost: 0, duplicated: 0, outOfOrder: 0, otherTenant: 0 });
  expect(report.faults.map((f) => f.fault)).toEqual(['redis', 'gateway', 'postgres']);
  // Each fault was felt (requests failed, with the retryable answer or a dropped connection) and recovered from.
  for (const f of report.faults) {
    expect(f.failedRequests).toBeGreaterThan(0);
    for (const error of Object.keys(f.errors)) expect(error).toMatch(/^INTERNAL_SERVER_ERROR \(unavailable\)$|^network: /);
  }
  for (const [name, stats] of Object.entries(report.operations)) {
    expect({ name, measured: stats.count > 0 && stats.p99Ms > 0 }).toEqual({ name, measured: true });
  }
  expect(Object.keys(report.memory).sort()).toEqual([...DEPLOYMENT.filter((p) => p.kind === 'server').map((p) => p.name), 'gateway-2'].sort());
  expect(report.ok).toBe(true);
});

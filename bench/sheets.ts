// Benchmark (run on demand, not a test): Sheets that compute, through the real gateway against the
// real PostgreSQL (and the bus of KAFKA_BROKERS when set):
//   1. setCells of 10,000 cells in one call (half values, half formulas reading them): p50, SQL statements;
//   2. a chain of 10,000 dependent formulas (A2 = A1 + 1, ...) recomputed by changing A1;
//   3. a 100 x 100 grid of formulas (each reads its left and upper neighbours) where one input changes;
//   4. commit-to-cellsChanged p99 for commits that recompute 1,000 cells.
// Usage: eval "$(bash scripts/services.sh env)"; npm run bench:sheets
import { createClient } from 'graphql-ws';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import WebSocket from 'ws';
import { sqlStatementCounts } from '@bacbos/common';
import { bootPlatform } from '../scripts/platform';
import { contractOperation as op, gql, signUpTenant } from '../tests/helpers/graphql';

process.env.INTERNAL_CONTEXT_SECRET ??= randomBytes(32).toString('hex');
process.env.ACCESS_TOKEN_SECRET ??= randomBytes(32).toString('hex');
process.env.LOG_LEVEL ??= 'silent';
process.env.APP_DB_PASSWORD ??= 'bacbos-test-app-role';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const summary = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(0)} ms, p99 ${percentile(s, 99).toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms (n=${s.length})`;
};
const col = (c: number) => { let n = ''; for (let x = c + 1; x > 0; x = Math.floor((x - 1) / 26)) n = String.fromCharCode(65 + ((x - 1) % 26)) + n; return n; };

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL (eval "$(bash scripts/services.sh env)")');
  const platform = await bootPlatform({ ephemeralPorts: true, internalContextSecret: process.env.INTERNAL_CONTEXT_SECRET!, accessTokenSecret: process.env.ACCESS_TOKEN_SECRET! });
  const url = platform.gatewayUrl;
  console.log(`bus: ${platform.bus.kind}; machine: ${cpus().length} cores; ${ROUNDS} rounds each`);
  const tenant = await signUpTenant(url, 'Bench sheets');
  const call = async (name: string, variables: Record<string, unknown>) => {
    const res = await gql(url, op('office', name), variables, tenant.headers);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  };
  const worksheet = async (title: string) => (await call('CreateSpreadsheet', { input: { title } })).createSpreadsheet.worksheets[0].id as string;
  const timed = async (worksheetId: string, cells: unknown[]) => {
    const statements = sqlStatementCounts.office ?? 0;
    const started = performance.now();
    const data = await call('SetCells', { worksheetId, cells });
    return { ms: performance.now() - started, statements: (sqlStatementCounts.office ?? 0) - statements, returned: data.setCells.length as number };
  };

  // 1. A paste of 10,000 cells.
  const paste = [...Array(10_000).keys()].map((i) => (i % 2 ? { row: i >> 1, column: 1, formula: `=A${(i >> 1) + 1}*2` } : { row: i >> 1, column: 0, value: String(i) }));
  const bytes = Buffer.byteLength(JSON.stringify({ query: op('office', 'SetCells'), variables: { worksheetId: '00000000-0000-4000-8000-000000000000', cells: paste } }));
  const pastes: number[] = [];
  let statements = 0;
  for (let r = 0; r < ROUNDS; r += 1) {
    const t = await timed(await worksheet(`paste ${r}`), paste);
    pastes.push(t.ms);
    statements = t.statements;
  }
  console.log(`1. setCells of 10,000 cells (5,000 formulas), new worksheet: ${summary(pastes)}; ${statements} SQL statements; body ${(bytes / 1024).toFixed(0)} KiB`);

  // 2. A chain of 10,000 dependent formulas.
  const chainWs = await worksheet('chain');
  await timed(chainWs, [{ row: 0, column: 0, value: '0' }, ...[...Array(9_999).keys()].map((i) => ({ row: i + 1, column: 0, formula: `=A${i + 1}+1` }))]);
  const chains: number[] = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    const t = await timed(chainWs, [{ row: 0, column: 0, value: String(r + 1) }]);
    if (t.returned !== 10_000) throw new Error(`chain recomputed ${t.returned} cells`);
    chains.push(t.ms);
    statements = t.statements;
  }
  console.log(`2. chain of 10,000 formulas, change its head (10,000 recomputed): ${summary(chains)}; ${statements} SQL statements`);

  // 3. A 100 x 100 grid: row 0 and column 0 are inputs, every other cell = left + up.
  const gridWs = await worksheet('grid');
  const grid: unknown[] = [];
  for (let r = 0; r < 100; r += 1) {
    for (let c = 0; c < 100; c += 1) {
      grid.push(r === 0 || c === 0 ? { row: r, column: c, value: '1' } : { row: r, column: c, formula: `=${col(c - 1)}${r + 1}+${col(c)}${r}` });
    }
  }
  await timed(gridWs, grid);
  const grids: number[] = [];
  let recomputed = 0;
  for (let r = 0; r < ROUNDS; r += 1) {
    const t = await timed(gridWs, [{ row: 0, column: 1, value: String(r + 2) }]); // B1: every formula reads it, directly or not
    grids.push(t.ms);
    recomputed = t.returned - 1;
    statements = t.statements;
  }
  console.log(`3. 100 x 100 grid, one input changes (${recomputed} recomputed): ${summary(grids)}; ${statements} SQL statements`);

  // 4. Commit to cellsChanged for commits that recompute 1,000 cells.
  const liveWs = await worksheet('live');
  await timed(liveWs, [{ row: 0, column: 0, value: '0' }, ...[...Array(1_000).keys()].map((i) => ({ row: i, column: 1, formula: `=A1+${i}` }))]);
  const arrivals = new Map<string, number>();
  const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${tenant.accessToken}` }, lazy: false, retryAttempts: 0 });
  client.subscribe<any>({ query: op('office', 'CellsChanged'), variables: { worksheetId: liveWs } }, {
    next: (v) => {
      const cells = v.data?.cellsChanged?.cells ?? [];
      if (cells.length === 1_001) arrivals.set(cells[0].value, performance.now());
    },
    error: (e) => console.error('subscription error', e),
    complete: () => undefined,
  });
  await new Promise((r) => setTimeout(r, 500));
  const live: number[] = [];
  for (let i = 1; i <= Math.max(20, ROUNDS * 10); i += 1) {
    const res = await gql(url, op('office', 'SetCells'), { worksheetId: liveWs, cells: [{ row: 0, column: 0, value: String(i) }] }, tenant.headers);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    const committed = performance.now();
    const deadline = Date.now() + 30_000;
    while (!arrivals.has(String(i))) {
      if (Date.now() > deadline) throw new Error(`cellsChanged ${i} never arrived`);
      await new Promise((r) => setTimeout(r, 2));
    }
    if (i > 3) live.push(arrivals.get(String(i))! - committed); // after warm-up
  }
  console.log(`4. commit-to-cellsChanged, 1,000 recomputed cells per commit: ${summary(live)}`);
  await client.dispose();
  await platform.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// The contract's Sheets operations (shared/contract/operations/office.graphql), end to end through
// the gateway: CreateSpreadsheet, SetCells (all or nothing, clearing), Worksheet with CellRange,
// DefineNamedRange, error codes, outbox/audit rows, and two-tenant isolation.
import { Client } from 'pg';
import { codeOf, contractOperation, gql, ok, signUpTenant, type TestTenant } from '../helpers/graphql';
import { outboxProbe } from '../helpers/outbox';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let db: Client;
let a: TestTenant;
let b: TestTenant;
const { eventsOf, failsCleanly } = outboxProbe('office', () => db);

const NOBODY = '00000000-0000-4000-8000-000000000000';
const run = (name: string, variables: Record<string, unknown>, headers: Record<string, string> = a.headers) => gql(url, contractOperation('office', name), variables, headers);
const createSpreadsheet = (input: Record<string, unknown>, headers = a.headers) => run('CreateSpreadsheet', { input }, headers);
const setCells = (worksheetId: string, cells: Record<string, unknown>[], headers = a.headers) => run('SetCells', { worksheetId, cells }, headers);
const worksheet = (id: string, range: Record<string, number> | null = null, headers = a.headers) => run('Worksheet', { id, range }, headers);
const defineNamedRange = (worksheetId: string, name: string, range: Record<string, number>, headers = a.headers) => run('DefineNamedRange', { worksheetId, name, range }, headers);

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  a = await signUpTenant(url, 'Sheets A');
  b = await signUpTenant(url, 'Sheets B');
});
afterAll(async () => {
  await db.end();
  await platform.stop();
});

describe('CreateSpreadsheet', () => {
  it('creates a spreadsheet with Sheet1 by default, or the named worksheets in order, audited', async () => {
    const one = await ok(createSpreadsheet({ title: 'Budget' }), 'createSpreadsheet');
    expect(one).toEqual({ id: expect.any(String), title: 'Budget', worksheets: [{ id: expect.any(String), name: 'Sheet1', index: 0 }] });
    const three = await ok(createSpreadsheet({ title: 'Year', worksheets: ['Q1', 'Q2', 'Q3'] }), 'createSpreadsheet');
    expect(three.worksheets.map((w: any) => [w.name, w.index])).toEqual([['Q1', 0], ['Q2', 1], ['Q3', 2]]);
    const [event] = await eventsOf(three.id);
    expect(event).toMatchObject({ type: 'office.spreadsheet.created', aggregate_type: 'Spreadsheet', tenant_id: a.tenantId, actor_id: a.userId });
    expect(event.payload.audit).toMatchObject({ action: 'create', resourceType: 'Spreadsheet', changes: { title: { from: null, to: 'Year' }, worksheets: { from: null, to: ['Q1', 'Q2', 'Q3'] } } });
  });

  it('rejects bad input with BAD_USER_INPUT naming the field, writing nothing', async () => {
    await failsCleanly(a.tenantId, () => createSpreadsheet({ title: ' ' }), 'BAD_USER_INPUT', 'title');
    await failsCleanly(a.tenantId, () => createSpreadsheet({ title: 'Dup', worksheets: ['A', 'a'] }), 'BAD_USER_INPUT', 'worksheets');
    await failsCleanly(a.tenantId, () => createSpreadsheet({ title: 'None', worksheets: [] }), 'BAD_USER_INPUT', 'worksheets');
    await failsCleanly(a.tenantId, () => createSpreadsheet({ title: 'Folder', folderId: NOBODY }), 'BAD_USER_INPUT', 'folderId');
    expect(codeOf(await createSpreadsheet({ title: 'Anon' }, {}))).toBe('UNAUTHENTICATED');
  });
});

describe('SetCells and Worksheet', () => {
  let wsId: string;
  let otherWsId: string;
  beforeAll(async () => {
    const s = await ok(createSpreadsheet({ title: 'Cells', worksheets: ['Main', 'Other'] }), 'createSpreadsheet');
    [wsId, otherWsId] = s.worksheets.map((w: any) => w.id);
  });

  it('sets values and formulas, reads them back by row and column, audited with the cells', async () => {
    const set = await ok(setCells(wsId, [
      { row: 0, column: 0, value: '1' }, { row: 1, column: 0, value: '2' }, { row: 2, column: 0, formula: '=SUM(A1:A2)', value: '3' }, { row: 0, column: 3, value: 'far' },
    ]), 'setCells');
    expect(set).toEqual([
      { row: 0, column: 0, value: '1', formula: null }, { row: 1, column: 0, value: '2', formula: null },
      { row: 2, column: 0, value: '3', formula: '=SUM(A1:A2)' }, { row: 0, column: 3, value: 'far', formula: null },
    ]);
    const ws = (await worksheet(wsId)).data!.worksheet;
    expect(ws).toMatchObject({ id: wsId, name: 'Main', index: 0, spreadsheet: { title: 'Cells' }, namedRanges: [] });
    expect(ws.cells).toEqual([
      { row: 0, column: 0, value: '1', formula: null }, { row: 0, column: 3, value: 'far', formula: null },
      { row: 1, column: 0, value: '2', formula: null }, { row: 2, column: 0, value: '3', formula: '=SUM(A1:A2)' },
    ]);
    const [event] = await eventsOf(wsId);
    expect(event).toMatchObject({ type: 'office.worksheet.cells_changed', aggregate_type: 'Worksheet', actor_id: a.userId });
    expect(event.payload.data.worksheetId).toBe(wsId);
    expect(event.payload.data.cellCount).toBe(4);
    expect(event.payload.audit.changes.R0C0).toEqual({ from: null, to: { value: '1', formula: null } });
  });

  it('filters cells by a CellRange (inclusive)', async () => {
    const cells = (await worksheet(wsId, { fromRow: 0, fromColumn: 0, toRow: 1, toColumn: 0 })).data!.worksheet.cells;
    expect(cells.map((c: any) => c.value)).toEqual(['1', '2']);
    const wide = (await worksheet(wsId, { fromRow: 0, fromColumn: 1, toRow: 5, toColumn: 5 })).data!.worksheet.cells;
    expect(wide.map((c: any) => c.value)).toEqual(['far']);
    expect((await worksheet(otherWsId)).data!.worksheet.cells).toEqual([]);
    const bad = await worksheet(wsId, { fromRow: 3, fromColumn: 0, toRow: 1, toColumn: 0 });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.field).toBe('range.toRow');
  });

  it('overwrites a cell, and clears (deletes) a cell with neither value nor formula', async () => {
    const res = await ok(setCells(wsId, [{ row: 0, column: 0, value: '10' }, { row: 0, column: 3 }, { row: 9, column: 9, value: null, formula: null }]), 'setCells');
    // A3 (=SUM(A1:A2)) depends on A1: recomputed in the same commit and returned after the written cells.
    expect(res).toEqual([
      { row: 0, column: 0, value: '10', formula: null }, { row: 0, column: 3, value: null, formula: null }, { row: 9, column: 9, value: null, formula: null },
      { row: 2, column: 0, value: '12', formula: '=SUM(A1:A2)' },
    ]);
    const rows = (await db.query('SELECT row, "column", value FROM office.cells WHERE worksheet_id = $1 ORDER BY row, "column"', [wsId])).rows;
    expect(rows).toEqual([{ row: 0, column: 0, value: '10' }, { row: 1, column: 0, value: '2' }, { row: 2, column: 0, value: '12' }]);
    const last = (await eventsOf(wsId)).at(-1)!;
    expect(last.payload.audit.changes).toEqual({ R0C0: { from: { value: '1', formula: null }, to: { value: '10', formula: null } }, R0C3: { from: { value: 'far', formula: null }, to: null } });
  });

  it('commits all cells of a call or none: one bad cell rejects the whole call', async () => {
    await failsCleanly(a.tenantId, () => setCells(wsId, [{ row: 5, column: 5, value: 'ok' }, { row: -1, column: 0, value: 'bad' }]), 'BAD_USER_INPUT', 'cells.1.row');
    await failsCleanly(a.tenantId, () => setCells(wsId, [{ row: 5, column: 5, value: 'a' }, { row: 5, column: 5, value: 'b' }]), 'BAD_USER_INPUT', 'cells.1');
    await failsCleanly(a.tenantId, () => setCells(wsId, [{ row: 5, column: 5, formula: 'SUM(A1)' }]), 'BAD_USER_INPUT', 'cells.0.formula');
    await failsCleanly(a.tenantId, () => setCells(wsId, []), 'BAD_USER_INPUT', 'cells');
    await failsCleanly(a.tenantId, () => setCells(NOBODY, [{ row: 0, column: 0, value: 'x' }]), 'NOT_FOUND', 'worksheetId');
    const cells = (await worksheet(wsId, { fromRow: 5, fromColumn: 5, toRow: 5, toColumn: 5 })).data!.worksheet.cells;
    expect(cells).toEqual([]);
  });

  it('concurrent calls on one worksheet each commit whole', async () => {
    const calls = [...Array(5).keys()].map((n) => setCells(otherWsId, [...Array(10).keys()].map((c) => ({ row: 0, column: c, value: `call${n}` }))));
    const results = await Promise.all(calls);
    results.forEach((r) => expect(r.errors).toBeUndefined());
    const values = (await worksheet(otherWsId)).data!.worksheet.cells.map((c: any) => c.value);
    expect(values).toHaveLength(10);
    expect(new Set(values).size).toBe(1); // the last committed call wins every cell
  });

  it('unknown and malformed worksheet ids read as null', async () => {
    expect((await worksheet(NOBODY)).data!.worksheet).toBeNull();
    expect((await worksheet('nope')).data!.worksheet).toBeNull();
  });
});

describe('DefineNamedRange', () => {
  it('defines a name for a range, listed on the worksheet with the range as JSON', async () => {
    const s = await ok(createSpreadsheet({ title: 'Names', worksheets: ['A', 'B'] }), 'createSpreadsheet');
    const [wa, wb] = s.worksheets.map((w: any) => w.id);
    const range = { fromRow: 0, fromColumn: 0, toRow: 9, toColumn: 1 };
    expect(await ok(defineNamedRange(wa, 'Totals', range), 'defineNamedRange')).toEqual({ name: 'Totals', range });
    await ok(defineNamedRange(wb, 'Other_1', { fromRow: 1, fromColumn: 1, toRow: 1, toColumn: 1 }), 'defineNamedRange');
    expect((await worksheet(wa)).data!.worksheet.namedRanges).toEqual([{ name: 'Totals', range }]);
    const events = (await db.query("SELECT payload FROM office.outbox WHERE tenant_id = $1 AND type = 'office.named_range.created' ORDER BY seq", [a.tenantId])).rows;
    expect(events.map((e) => e.payload.audit.changes.name.to)).toEqual(['Totals', 'Other_1']);
    // Names are unique per spreadsheet, across its worksheets.
    await failsCleanly(a.tenantId, () => defineNamedRange(wb, 'Totals', range), 'CONFLICT', 'name');
    await failsCleanly(a.tenantId, () => defineNamedRange(wa, '1bad name', range), 'BAD_USER_INPUT', 'name');
    await failsCleanly(a.tenantId, () => defineNamedRange(wa, 'Back', { fromRow: 0, fromColumn: 4, toRow: 0, toColumn: 2 }), 'BAD_USER_INPUT', 'range.toRow');
    await failsCleanly(a.tenantId, () => defineNamedRange(wa, 'totals', range), 'CONFLICT', 'name'); // names are case-insensitive in formulas
    await failsCleanly(a.tenantId, () => defineNamedRange(wa, 'AB12', range), 'BAD_USER_INPUT', 'name'); // reads as a cell
    await failsCleanly(a.tenantId, () => defineNamedRange(NOBODY, 'Xname', range), 'NOT_FOUND', 'worksheetId');
  });
});

describe('permissions and two-tenant isolation', () => {
  it('another tenant\'s worksheets behave as missing for reads, writes and names', async () => {
    const s = await ok(createSpreadsheet({ title: 'Secret sheet' }), 'createSpreadsheet');
    const wsId = s.worksheets[0].id;
    await ok(setCells(wsId, [{ row: 0, column: 0, value: 'secret' }]), 'setCells');
    expect((await worksheet(wsId, null, b.headers)).data!.worksheet).toBeNull();
    await failsCleanly(b.tenantId, () => setCells(wsId, [{ row: 0, column: 0, value: 'hijack' }], b.headers), 'NOT_FOUND', 'worksheetId');
    await failsCleanly(b.tenantId, () => defineNamedRange(wsId, 'Hijack', { fromRow: 0, fromColumn: 0, toRow: 0, toColumn: 0 }, b.headers), 'NOT_FOUND', 'worksheetId');
    expect((await worksheet(wsId)).data!.worksheet.cells).toEqual([{ row: 0, column: 0, value: 'secret', formula: null }]);
    // The same name may exist in two tenants.
    const sb = await ok(createSpreadsheet({ title: 'B sheet' }, b.headers), 'createSpreadsheet');
    await ok(defineNamedRange(sb.worksheets[0].id, 'Totals', { fromRow: 0, fromColumn: 0, toRow: 0, toColumn: 0 }, b.headers), 'defineNamedRange');
  });

  it('gates on office:write and on the module', async () => {
    const t = await signUpTenant(url, 'Sheets gated');
    await ok(gql(url, contractOperation('platform', 'UpdateTenant'), { input: { enabledModules: ['crm'] } }, t.headers), 'updateTenant');
    const res = await createSpreadsheet({ title: 'x' }, t.headers);
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(res.errors![0].message).toMatch(/office/);
  });
});

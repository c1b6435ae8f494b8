// Sheets that compute (issue 15), end to end through the gateway against real PostgreSQL: every
// function family, each error value, references across worksheets and through named ranges,
// dependents recomputed in the same commit (and only those), cycles, removed worksheets and names
// turning into #REF!, concurrent commits on one spreadsheet, and a 10,000-cell paste in a bounded
// number of statements, all or nothing.
import { Client } from 'pg';
import { sqlStatementCounts } from '@bacbos/common';
import { codeOf, contractOperation, gql, ok, signUpTenant, type TestTenant } from '../helpers/graphql';
import { outboxProbe } from '../helpers/outbox';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let db: Client;
let a: TestTenant;
const { failsCleanly } = outboxProbe('office', () => db);

type Cell = { row: number; column: number; value?: string | null; formula?: string | null };
const run = (name: string, variables: Record<string, unknown>, headers: Record<string, string> = a.headers) => gql(url, contractOperation('office', name), variables, headers);
const setCells = (worksheetId: string, cells: Cell[]) => run('SetCells', { worksheetId, cells });
const defineNamedRange = (worksheetId: string, name: string, range: Record<string, number>) => gql(url,
  'mutation($w: ID!, $n: String!, $r: CellRange!) { defineNamedRange(worksheetId: $w, name: $n, range: $r) { id name } }', { w: worksheetId, n: name, r: range }, a.headers);
const deleteWorksheet = (id: string) => gql(url, 'mutation($id: ID!) { deleteWorksheet(id: $id) }', { id }, a.headers);
const deleteNamedRange = (id: string) => gql(url, 'mutation($id: ID!) { deleteNamedRange(id: $id) }', { id }, a.headers);

/** A1-style name of a 0-based cell. */
function a1(row: number, column: number): string {
  let name = '';
  for (let c = column + 1; c > 0; c = Math.floor((c - 1) / 26)) name = String.fromCharCode(65 + ((c - 1) % 26)) + name;
  return `${name}${row + 1}`;
}
/** The worksheet's cells by A1 name: value, or [value, formula] when asked. */
async function grid(worksheetId: string): Promise<Record<string, string | null>> {
  const ws = (await run('Worksheet', { id: worksheetId, range: null })).data!.worksheet;
  return Object.fromEntries(ws.cells.map((c: any) => [a1(c.row, c.column), c.value]));
}
async function formulaAt(worksheetId: string, row: number, column: number): Promise<string | null> {
  const ws = (await run('Worksheet', { id: worksheetId, range: { fromRow: row, fromColumn: column, toRow: row, toColumn: column } })).data!.worksheet;
  return ws.cells[0]?.formula ?? null;
}
async function spreadsheet(title: string, worksheets: string[]): Promise<string[]> {
  const s = await ok(run('CreateSpreadsheet', { input: { title, worksheets } }), 'createSpreadsheet');
  return s.worksheets.map((w: any) => w.id);
}
/** Formulas down column B (one per row), with literal inputs in column A. */
const column = (formulas: string[], col = 1): Cell[] => formulas.map((formula, row) => ({ row, column: col, formula }));

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  a = await signUpTenant(url, 'Formulas');
});
afterAll(async () => {
  await db.end();
  await platform.stop();
});

describe('evaluation', () => {
  let ws: string;
  beforeAll(async () => {
    [ws] = await spreadsheet('Functions', ['Data', 'Sheet2']);
    // A1:A5 numbers, C1:D3 a lookup table, E1 text with spaces.
    await ok(setCells(ws, [
      ...['1', '2', '3', '4', '5'].map((value, row) => ({ row, column: 0, value })),
      { row: 0, column: 2, value: 'apple' }, { row: 0, column: 3, value: '10' },
      { row: 1, column: 2, value: 'banana' }, { row: 1, column: 3, value: '20' },
      { row: 2, column: 2, value: 'cherry' }, { row: 2, column: 3, value: '30' },
      { row: 0, column: 4, value: '  Hello   World ' },
    ]), 'setCells');
  });

  async function values(formulas: string[]): Promise<string[]> {
    // In column G, below the data, so whole-column references to A stay acyclic.
    const cells = await ok(setCells(ws, formulas.map((formula, i) => ({ row: 100 + i, column: 6, formula }))), 'setCells');
    return cells.slice(0, formulas.length).map((c: any) => c.value);
  }

  it('arithmetic and comparison, with the precision users expect (15 significant digits)', async () => {
    expect(await values(['=0.1+0.2', '=1/3', '=2^10-24', '=(A1+A2)*A3/4', '=-A1%', '=A2>A1', '=A1=1', '=A1<>1', '=0.1*3', '=1E+21*10'])).toEqual(
      ['0.3', '0.333333333333333', '1000', '2.25', '-0.01', 'TRUE', 'TRUE', 'FALSE', '0.3', '1e+22'],
    );
  });

  it('text concatenation and the text functions', async () => {
    expect(await values(['="n="&A1&"!"', '=CONCAT("a",C1,A2)', '=LEN(C2)', '=LEFT(C1,3)', '=RIGHT(C2,3)', '=MID(C3,2,3)', '=UPPER(C1)', '=LOWER("ABC")', '=TRIM(E1)'])).toEqual(
      ['n=1!', 'aapple2', '6', 'app', 'ana', 'her', 'APPLE', 'abc', 'Hello World'],
    );
  });

  it('references A1, $A$1, ranges and the aggregate functions', async () => {
    expect(await values(['=A1', '=$A$2+A$3+$A4', '=SUM(A1:A5)', '=AVERAGE(A1:A5)', '=MIN(A1:A5)', '=MAX(A1:A5)', '=COUNT(A1:A5,C1:C3)', '=COUNTA(A1:A5,C1:C3)', '=SUM(A:A)'])).toEqual(
      ['1', '9', '15', '3', '1', '5', '5', '8', '15'],
    );
  });

  it('logical functions', async () => {
    expect(await values(['=IF(A1>0,"pos","neg")', '=IF(A1>9,"big")', '=IFERROR(1/0,"safe")', '=IFERROR(A2,"safe")', '=AND(A1,A2>1)', '=OR(FALSE,A1>3)', '=NOT(A1>3)'])).toEqual(
      ['pos', 'FALSE', 'safe', '2', 'TRUE', 'FALSE', 'TRUE'],
    );
  });

  it('math, dates and lookups', async () => {
    expect(await values(['=ROUND(2.675,2)', '=ROUND(-1.5,0)', '=ABS(-7.5)', '=DATE(2024,2,29)', '=TODAY()>DATE(2020,1,1)', '=VLOOKUP("banana",C1:D3,2,FALSE)', '=INDEX(D1:D3,3)', '=MATCH("cherry",C1:C3,0)', '=SUMIF(A1:A5,">2")', '=COUNTIF(C1:C3,"*an*")'])).toEqual(
      ['2.68', '-2', '7.5', '45351', 'TRUE', '20', '30', '3', '12', '1'],
    );
  });

  it('errors are values, never GraphQL errors: #DIV/0!, #REF!, #NAME?, #VALUE!, #N/A, #ERROR! and their propagation', async () => {
    const res = await setCells(ws, [
      { row: 200, column: 7, formula: '=1/0' }, { row: 201, column: 7, formula: '=Nowhere!A1' }, { row: 202, column: 7, formula: '=NOSUCHFUNCTION(1)' },
      { row: 203, column: 7, formula: '=undefined_name*2' }, { row: 204, column: 7, formula: '="a"+1' }, { row: 205, column: 7, formula: '=VLOOKUP("kiwi",C1:D3,2,FALSE)' },
      { row: 206, column: 7, formula: '=1+' }, { row: 207, column: 7, formula: '=SUM(H201,1)' }, { row: 208, column: 7, formula: '=H202+1' },
      { row: 209, column: 7, formula: '=WEBSERVICE("http://example.com")' },
    ]);
    expect(res.errors).toBeUndefined();
    expect(res.data!.setCells.map((c: any) => c.value)).toEqual(['#DIV/0!', '#REF!', '#NAME?', '#NAME?', '#VALUE!', '#N/A', '#ERROR!', '#DIV/0!', '#REF!', '#NAME?']);
    // The formula text is kept as written, so the user can fix it.
    expect(await formulaAt(ws, 206, 7)).toBe('=1+');
  });

  it('text is at most 50,000 characters: a formula that would build more is #VALUE!, at once (REPT("ab",100000000) took 33 s)', async () => {
    const long = 'x'.repeat(50_000);
    await ok(setCells(ws, [{ row: 400, column: 0, value: long }]), 'setCells');
    const started = Date.now();
    expect(await values([
      '=REPT("ab",100000000)', '=REPT("ab",3)', '=LEN(REPT("a",50000))', '=LEN(REPT("a",50001))', '=LEN(REPT("",1E+12))', '=REPT(TRUE,2)', '=REPT("a",-1)',
      '=SUBSTITUTE(A401,"x","yy")', '=LEN(SUBSTITUTE(A401,"x",""))', '=TEXTJOIN(",",TRUE,A401,A401)', '=CONCAT(A401,"!")', `=A401${'&A401'.repeat(1_000)}`, '=LEN(A401)',
    ])).toEqual(['#VALUE!', 'ababab', '50000', '#VALUE!', '0', 'TRUETRUE', '#VALUE!', '#VALUE!', '0', '#VALUE!', '#VALUE!', '#VALUE!', '50000']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('wildcards match the whole text, ignoring case, without regular expressions (a pattern over a long text ran for minutes)', async () => {
    await ok(setCells(ws, [{ row: 401, column: 0, value: 'a.c' }, { row: 402, column: 0, value: '*' }, { row: 403, column: 0, value: 'APPLE pie' }]), 'setCells');
    const started = Date.now();
    expect(await values([
      '=COUNTIF(C1:C3,"*AN*")', '=COUNTIF(C1:C3,"?pple")', '=COUNTIF(C1:C3,"an*")', '=MATCH("B*",C1:C3,0)', '=MATCH("CHERRY",C1:C3,0)',
      '=MATCH("a?c",A402:A404,0)', '=MATCH("x|.*",A402:A404,0)', '=MATCH("~*",A402:A404,0)', '=VLOOKUP("apple*",A402:A404,1,FALSE)',
      // A 50,000-character cell (A401) against patterns that backtrack as regular expressions.
      '=COUNTIF(A401,"*x*x*x*x*x*x*x*x*x*x*y")', '=MATCH("*x*x*x*x*x*x*x*x*y",A401:A401,0)', '=VLOOKUP("*x*x*x*x*x*x*x*y",A401:A401,1,FALSE)', '=COUNTIF(A401,"*x*x*x*x*x*x*x*x*x*x*x")',
      '=SEARCH("an",C2)', '=SEARCH("AN",C2,3)', '=SEARCH("n*a",C2)', '=SEARCH("a.c","abc")', '=SEARCH("(","a(b")', '=SEARCH("*x*x*x*x*x*x*y",A401)',
    ])).toEqual(['1', '1', '0', '2', '3', '1', '#N/A', '2', 'APPLE pie', '0', '#N/A', '#N/A', '1', '2', '4', '3', '#VALUE!', '2', '#VALUE!']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('ignores a value sent with a formula: the server computes it', async () => {
    const [cell] = await ok(setCells(ws, [{ row: 300, column: 7, formula: '=A1+1', value: '999' }]), 'setCells');
    expect(cell).toEqual({ row: 300, column: 7, value: '2', formula: '=A1+1' });
  });
});

describe('recomputation', () => {
  it('recomputes exactly the dependents of a change, in dependency order, across worksheets, in the same commit', async () => {
    const [s1, s2] = await spreadsheet('Chain', ['Sheet1', 'Sheet2']);
    await ok(setCells(s1, [{ row: 0, column: 0, value: '1' }, { row: 9, column: 9, value: '7' }, ...column(['=A1*2', '=B1+1', '=B2+B1', '=Sheet2!A1+B3']), { row: 0, column: 2, formula: '=J10*2' }]), 'setCells');
    await ok(setCells(s2, [{ row: 0, column: 0, formula: '=Sheet1!B2*10' }, { row: 1, column: 0, formula: "='Sheet1'!B1+A1" }]), 'setCells');
    expect(await grid(s1)).toMatchObject({ A1: '1', B1: '2', B2: '3', B3: '5', B4: '35', C1: '14' });
    expect(await grid(s2)).toEqual({ A1: '30', A2: '32' });
    const changed = await ok(setCells(s1, [{ row: 0, column: 0, value: '10' }]), 'setCells');
    // The written cell, then every dependent on this worksheet; C1 reads nothing that changed.
    expect(changed).toEqual([
      { row: 0, column: 0, value: '10', formula: null },
      { row: 0, column: 1, value: '20', formula: '=A1*2' }, { row: 1, column: 1, value: '21', formula: '=B1+1' },
      { row: 2, column: 1, value: '41', formula: '=B2+B1' }, { row: 3, column: 1, value: '251', formula: '=Sheet2!A1+B3' },
    ]);
    // The other worksheet was recomputed in the same commit (B4 read its new A1).
    expect(await grid(s2)).toEqual({ A1: '210', A2: '230' });
    // Only cells that depend on A1 changed in the database: C1's row was not rewritten.
    const { rows } = await db.query(`SELECT "row", "column" FROM office.cells WHERE worksheet_id = ANY($1) AND updated_at = (SELECT max(updated_at) FROM office.cells WHERE worksheet_id = ANY($1)) ORDER BY 1, 2`, [[s1, s2]]);
    expect(rows.map((r) => a1(r.row, r.column))).not.toContain('C1');
  });

  it('clearing a cell recomputes its readers, an empty cell reading as 0', async () => {
    const [s] = await spreadsheet('Clear', ['Sheet1']);
    await ok(setCells(s, [{ row: 0, column: 0, value: '4' }, { row: 0, column: 1, formula: '=A1*2' }]), 'setCells');
    const res = await ok(setCells(s, [{ row: 0, column: 0 }]), 'setCells');
    expect(res).toEqual([{ row: 0, column: 0, value: null, formula: null }, { row: 0, column: 1, value: '0', formula: '=A1*2' }]);
  });

  it('replacing a formula by a value stops it from following its old references', async () => {
    const [s] = await spreadsheet('Unformula', ['Sheet1']);
    await ok(setCells(s, [{ row: 0, column: 0, value: '1' }, { row: 0, column: 1, formula: '=A1' }]), 'setCells');
    await ok(setCells(s, [{ row: 0, column: 1, value: 'fixed' }]), 'setCells');
    const res = await ok(setCells(s, [{ row: 0, column: 0, value: '2' }]), 'setCells');
    expect(res).toEqual([{ row: 0, column: 0, value: '2', formula: null }]);
    expect(await grid(s)).toEqual({ A1: '2', B1: 'fixed' });
  });
});

describe('cycles', () => {
  it('marks every cell of a circular reference #CYCLE!, its readers get the error, and breaking it recomputes', async () => {
    const [s] = await spreadsheet('Cycles', ['Sheet1']);
    await ok(setCells(s, [{ row: 0, column: 0, value: '1' }, { row: 0, column: 1, formula: '=A1+1' }, { row: 0, column: 2, formula: '=B1+1' }, { row: 0, column: 3, formula: '=C1*10' }]), 'setCells');
    expect(await grid(s)).toEqual({ A1: '1', B1: '2', C1: '3', D1: '30' });
    // A1 -> C1 -> B1 -> A1 closes a loop.
    const res = await setCells(s, [{ row: 0, column: 0, formula: '=C1' }]);
    expect(res.errors).toBeUndefined();
    expect(await grid(s)).toEqual({ A1: '#CYCLE!', B1: '#CYCLE!', C1: '#CYCLE!', D1: '#CYCLE!' });
    // A cell reading itself is a cycle too; IFERROR can catch the error of a reader.
    await ok(setCells(s, [{ row: 5, column: 0, formula: '=A6+1' }, { row: 5, column: 1, formula: '=IFERROR(A6,"loop")' }]), 'setCells');
    expect(await grid(s)).toMatchObject({ A6: '#CYCLE!', B6: 'loop' });
    // Breaking the loop recomputes the whole of it.
    await ok(setCells(s, [{ row: 0, column: 0, value: '5' }]), 'setCells');
    expect(await grid(s)).toMatchObject({ A1: '5', B1: '6', C1: '7', D1: '70' });
  });
});

describe('named ranges', () => {
  it('are read by formulas, recomputed when defined or changed, and #REF! once removed', async () => {
    const [s1, s2] = await spreadsheet('Names', ['Inputs', 'Report']);
    await ok(setCells(s1, [{ row: 0, column: 0, value: '10' }, { row: 1, column: 0, value: '20' }]), 'setCells');
    // Used before it exists: #NAME?, then computed by the commit that defines it.
    await ok(setCells(s2, [{ row: 0, column: 0, formula: '=SUM(Prices)*2' }, { row: 0, column: 1, formula: '=IFERROR(SUM(prices),-1)' }]), 'setCells');
    expect(await grid(s2)).toEqual({ A1: '#NAME?', B1: '-1' });
    const named = await ok(defineNamedRange(s1, 'Prices', { fromRow: 0, fromColumn: 0, toRow: 1, toColumn: 0 }), 'defineNamedRange');
    expect(await grid(s2)).toEqual({ A1: '60', B1: '30' });
    // A change inside the range recomputes the readers on the other worksheet.
    await ok(setCells(s1, [{ row: 1, column: 0, value: '25' }]), 'setCells');
    expect(await grid(s2)).toEqual({ A1: '70', B1: '35' });
    // Removing the name turns the references into #REF!, in the formula text too.
    expect((await deleteNamedRange(named.id)).data!.deleteNamedRange).toBe(true);
    expect(await grid(s2)).toEqual({ A1: '#REF!', B1: '-1' });
    expect(await formulaAt(s2, 0, 0)).toBe('=SUM(#REF!)*2');
    // A new name of the same name does not bring them back.
    await ok(defineNamedRange(s1, 'Prices', { fromRow: 0, fromColumn: 0, toRow: 0, toColumn: 0 }), 'defineNamedRange');
    expect(await grid(s2)).toEqual({ A1: '#REF!', B1: '-1' });
    expect(codeOf(await deleteNamedRange(named.id))).toBe('NOT_FOUND');
  });
});

describe('deleting a worksheet', () => {
  it('turns references to it (and to names on it) into #REF!, recomputed in the same commit; the last worksheet stays', async () => {
    const [main, gone] = await spreadsheet('Delete', ['Main', 'Old data']);
    await ok(setCells(gone, [{ row: 0, column: 0, value: '3' }, { row: 1, column: 0, value: '4' }]), 'setCells');
    await ok(defineNamedRange(gone, 'OldRange', { fromRow: 0, fromColumn: 0, toRow: 1, toColumn: 0 }), 'defineNamedRange');
    await ok(setCells(main, [
      { row: 0, column: 0, formula: "='Old data'!A1*2" }, { row: 1, column: 0, formula: "=SUM('Old data'!A1:A2)+1" },
      { row: 2, column: 0, formula: '=SUM(OldRange)' }, { row: 3, column: 0, formula: '=A1+1' }, { row: 4, column: 0, value: 'kept' },
    ]), 'setCells');
    expect(await grid(main)).toEqual({ A1: '6', A2: '8', A3: '7', A4: '7', A5: 'kept' });
    expect((await deleteWorksheet(gone)).data!.deleteWorksheet).toBe(true);
    expect(await grid(main)).toEqual({ A1: '#REF!', A2: '#REF!', A3: '#REF!', A4: '#REF!', A5: 'kept' });
    expect(await formulaAt(main, 0, 0)).toBe('=#REF!*2');
    expect(await formulaAt(main, 1, 0)).toBe('=SUM(#REF!)+1');
    expect((await run('Worksheet', { id: gone, range: null })).data!.worksheet).toBeNull();
    expect((await db.query('SELECT count(*)::int AS n FROM office.cells WHERE worksheet_id = $1', [gone])).rows[0].n).toBe(0);
    await failsCleanly(a.tenantId, () => deleteWorksheet(main), 'BAD_USER_INPUT', 'id');
  });
});

describe('concurrency', () => {
  it('concurrent setCells on one spreadsheet serialise: formulas never keep a value computed from a half-written state', async () => {
    const [s1, s2] = await spreadsheet('Race', ['Sheet1', 'Sheet2']);
    await ok(setCells(s1, [{ row: 0, column: 0, formula: '=B1+Sheet2!A1' }, { row: 0, column: 1, value: '0' }]), 'setCells');
    await ok(setCells(s2, [{ row: 0, column: 0, value: '0' }]), 'setCells');
    const calls = [...Array(12).keys()].map((i) => (i % 2
      ? setCells(s1, [{ row: 0, column: 1, value: String(i) }])
      : setCells(s2, [{ row: 0, column: 0, value: String(i * 100) }])));
    (await Promise.all(calls)).forEach((r) => expect(r.errors).toBeUndefined());
    const one = await grid(s1);
    const two = await grid(s2);
    expect(Number(one.A1)).toBe(Number(one.B1) + Number(two.A1));
  });
});

describe('bulk writes', () => {
  const paste = (n: number): Cell[] => [...Array(n).keys()].map((i) => (i % 2
    ? { row: Math.floor(i / 2), column: 1, formula: `=A${Math.floor(i / 2) + 1}*2` }
    : { row: Math.floor(i / 2), column: 0, value: String(i / 2 + 0.5) }));

  it('writes 10,000 cells in one call in a bounded number of statements, under the 2 MB body limit', async () => {
    const [s] = await spreadsheet('Bulk', ['Sheet1']);
    const cells = paste(10_000);
    const body = JSON.stringify({ query: contractOperation('office', 'SetCells'), variables: { worksheetId: s, cells } });
    expect(Buffer.byteLength(body)).toBeLessThan(2 * 1024 * 1024);
    // The counter is the office subgraph's, process-wide: start once background work (the user
    // directory replica of a fresh tenant) is done.
    for (let last = -1; last !== (sqlStatementCounts.office ?? 0);) {
      last = sqlStatementCounts.office ?? 0;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const before = sqlStatementCounts.office ?? 0;
    const res = await ok(setCells(s, cells), 'setCells');
    const statements = (sqlStatementCounts.office ?? 0) - before;
    console.log(`setCells of 10,000 cells: ${statements} SQL statements, body ${Buffer.byteLength(body)} bytes`);
    expect(statements).toBeLessThan(50);
    expect(res).toHaveLength(10_000);
    expect(res[1]).toEqual({ row: 0, column: 1, value: '1', formula: '=A1*2' });
    const { rows } = await db.query('SELECT count(*)::int AS n, count(formula)::int AS f FROM office.cells WHERE worksheet_id = $1', [s]);
    expect(rows[0]).toEqual({ n: 10_000, f: 5_000 });
    // Live delivery of this commit reads its cells beside the outbox row, so the bus message stays
    // small: not the 10,000 cells (~400 KB), only the spreadsheet's text for search, capped at 64 KiB.
    const { rows: [event] } = await db.query("SELECT length(payload::text) AS size, (SELECT jsonb_array_length(cells) FROM office.cell_change_sets WHERE event_id = o.id) AS cells FROM office.outbox o WHERE aggregate_id = $1 AND type = 'office.worksheet.cells_changed'", [s]);
    expect(event.cells).toBe(10_000);
    expect(event.size).toBeLessThan(70_000);
  });

  it('is all or nothing: one bad cell among 10,000 writes none', async () => {
    const [s] = await spreadsheet('Bulk bad', ['Sheet1']);
    const cells = paste(10_000);
    cells[9_999] = { row: 5, column: 1_000_000, value: 'bad' };
    await failsCleanly(a.tenantId, () => setCells(s, cells), 'BAD_USER_INPUT', 'cells.9999.column');
    expect((await db.query('SELECT count(*)::int AS n FROM office.cells WHERE worksheet_id = $1', [s])).rows[0].n).toBe(0);
  });
});

describe('recalculation limit', () => {
  it('refuses a change whose formulas run past 1 s and 2 ms a formula (a loop over a huge argument), writing nothing', async () => {
    const [s] = await spreadsheet('Slow', ['Sheet1']);
    // NETWORKDAYS walks day by day from 1900 to 9999 and compares each day with 1,200 holidays.
    const holidays = `{${Array.from({ length: 1_200 }, (_, i) => 40_000 + i).join(',')}}`;
    const started = Date.now();
    const res = await failsCleanly(a.tenantId, () => setCells(s, [{ row: 0, column: 0, value: 'kept?' }, { row: 0, column: 1, formula: `=NETWORKDAYS(1,2958465,${holidays})` }]), 'BAD_USER_INPUT');
    expect(res.errors![0].message).toBe('The formulas this change recalculates (1) need more than 1.002 s; nothing was written');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await db.query('SELECT count(*)::int AS n FROM office.cells WHERE worksheet_id = $1', [s])).rows[0].n).toBe(0);
    // The spreadsheet takes the next change.
    expect(await ok(setCells(s, [{ row: 1, column: 0, formula: '=NETWORKDAYS(DATE(2026,12,1),DATE(2026,12,31))' }]), 'setCells')).toEqual([{ row: 1, column: 0, value: '23', formula: '=NETWORKDAYS(DATE(2026,12,1),DATE(2026,12,31))' }]);
  });
});

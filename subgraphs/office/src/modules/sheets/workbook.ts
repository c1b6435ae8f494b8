// One commit on a spreadsheet: lock it, load its worksheets, names and formula cells, apply the
// written cells, recompute exactly their dependents in dependency order (across worksheets), and
// write everything back in a bounded number of statements, in the caller's transaction.
//
// Why the graph is loaded per commit: the dependencies of every formula are stored once, parsed,
// when the formula is written (office.formulas: rectangles by worksheet id, named ranges by name),
// and each commit reads the spreadsheet's formula cells and their dependencies (two indexed
// statements: a partial index on cells with a formula, formulas by worksheet). That costs one indexed read of the formula cells (about 10 ms
// for 10,000), keeps no state in the process (any instance may take the next commit), and cannot
// go stale: it is read under the spreadsheet's row lock, which every writer takes first.
import { randomUUID } from 'node:crypto';
import { TimeBudgetExceeded, badInput, recordChange, withinTimeBudget, type CallerIdentity, type FieldChanges } from '@bacbos/common';
import type { Prisma } from '../../generated/prisma/client';
import {
  CYCLE, Evaluator, display, fromStored, parseFormula, toStored,
  type Dependency, type Rect, type Scalar, type Stored, type Workbook,
} from './formula';
import { FormulaGraph, cellKey, type FormulaNode } from './graph';
import { SEARCH_TEXT_MAX_CHARS } from '../../search-text';

type Tx = Prisma.TransactionClient;

/** Rows per bulk statement. */
export const CHUNK = 2_000;

export const CELLS_CHANGED = 'office.worksheet.cells_changed';

export interface SpreadsheetSearchData { title: string; worksheets: string[]; cellText: string }

/**
 * What the search index needs of a spreadsheet (EVENTS.md): its title, its worksheets' names and
 * the text typed into its cells (literal values, not formula results), worksheet by worksheet in
 * row then column order, cut to SEARCH_TEXT_MAX_CHARS. Each worksheet reads at most that many
 * cells (each takes at least one character and a space), in the order of the cells' unique
 * (worksheet, row, column) index, so a huge sheet costs a bounded read. The commit's events and
 * search:reindex's listing (search-listing.ts) both read it here. `worksheets`: the names when the
 * caller has them loaded, else read in their order.
 */
/**
 * How long one commit's recalculation of `formulas` formulas may run (wall clock): 1 s and 2 ms a
 * formula, at most 20 s. A 10,000-formula chain takes well under a second; a function looping on a
 * huge argument (NETWORKDAYS(1,1E+12), POISSON.DIST(1E+9,...)) is stopped there, and the
 * transaction rolls back.
 */
export const recalcBudgetMs = (formulas: number): number => Math.min(20_000, 1_000 + 2 * formulas);

export async function spreadsheetSearchData(tx: Tx, tenantId: string, spreadsheetId: string, worksheets?: string[]): Promise<SpreadsheetSearchData> {
  const [row] = await tx.$queryRaw<Array<{ title: string; text: string | null; names: string[] | null }>>`
    SELECT s.title, (
      SELECT left(string_agg(cell.value, ' ' ORDER BY w.index, cell."row", cell."column"), ${SEARCH_TEXT_MAX_CHARS}::int)
        FROM office.worksheets w
        CROSS JOIN LATERAL (
          SELECT c.value, c."row", c."column" FROM office.cells c
           WHERE c.tenant_id = w.tenant_id AND c.worksheet_id = w.id AND c.formula IS NULL AND c.value IS NOT NULL AND c.value <> ''
           ORDER BY c."row", c."column" LIMIT ${Math.ceil(SEARCH_TEXT_MAX_CHARS / 2)}::int) cell
       WHERE w.tenant_id = s.tenant_id AND w.spreadsheet_id = s.id) AS text,
      (SELECT array_agg(w.name ORDER BY w.index, w.id) FROM office.worksheets w WHERE w.tenant_id = s.tenant_id AND w.spreadsheet_id = s.id) AS names
      FROM office.spreadsheets s WHERE s.tenant_id = ${tenantId}::uuid AND s.id = ${spreadsheetId}::uuid`;
  return { title: row?.title ?? '', worksheets: worksheets ?? row?.names ?? [], cellText: row?.text ?? '' };
}

export interface CellView { row: number; column: number; value: string | null; formula: string | null }

/** A cell as a commit writes it; neither value nor formula clears it. */
export interface CellEdit { worksheetId: string; row: number; column: number; value: string | null; formula: string | null }

interface WorksheetRow { id: string; name: string; index: number }
interface NamedRangeRow { id: string; name: string; worksheetId: string; range: { fromRow: number; fromColumn: number; toRow: number; toColumn: number } }

/** A formula cell as stored (its value is the last computed one). */
interface StoredFormula extends FormulaNode {
  cellId: string | null;
  value: string | null;
  valueType: string | null;
  /** Its office.formulas row must be (re)written: new, changed, or never parsed. */
  reindex: boolean;
}

interface Outcome { worksheetId: string; row: number; column: number; stored: Stored | null; formula: string | null }

const chunks = <T>(items: T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
};

export class SpreadsheetCommit {
  readonly worksheets: WorksheetRow[];
  readonly names: Map<string, NamedRangeRow>;
  readonly book: Workbook;
  private readonly formulas: Map<string, StoredFormula>;
  /** Cells written by this commit (formulas with their computed value once recomputed). */
  private readonly written = new Map<string, CellEdit>();
  /** Formula cells of the commit that were formulas before and are not any more (their formulas row goes). */
  private readonly unformulated = new Set<string>();
  private readonly roots = new Set<string>();
  private readonly outcomes = new Map<string, Outcome>();

  private constructor(
    private readonly tx: Tx,
    readonly tenantId: string,
    readonly spreadsheetId: string,
    worksheets: WorksheetRow[],
    names: NamedRangeRow[],
    formulas: StoredFormula[],
  ) {
    this.worksheets = worksheets;
    this.names = new Map(names.map((n) => [n.name.toLowerCase(), n]));
    const byName = new Map(worksheets.map((w) => [w.name.toLowerCase(), w]));
    const byId = new Map(worksheets.map((w) => [w.id, w]));
    this.book = {
      worksheetId: (name) => byName.get(name.toLowerCase())?.id,
      worksheetName: (id) => byId.get(id)?.name,
      namedRange: (name) => {
        const n = this.names.get(name.toLowerCase());
        return n && byId.has(n.worksheetId) ? { worksheetId: n.worksheetId, ...n.range } : undefined;
      },
    };
    this.formulas = new Map(formulas.map((f) => [cellKey(f.worksheetId, f.row, f.column), f]));
    // Formula cells written before their dependencies were stored: parse them once now.
    for (const f of this.formulas.values()) {
      if (f.reindex) Object.assign(f, parseFormula(f.formula, this.sheetName(f.worksheetId), this.book));
    }
  }

  /**
   * Locks the spreadsheet of `worksheetId` (concurrent commits on one spreadsheet queue up, so none
   * reads a half-written state) and loads it; null when the worksheet is not the tenant's.
   */
  static async open(tx: Tx, tenantId: string, target: { worksheetId: string } | { spreadsheetId: string }): Promise<SpreadsheetCommit | null> {
    const locked = 'worksheetId' in target
      ? await tx.$queryRaw<Array<{ id: string }>>`
          SELECT s.id FROM office.spreadsheets s
           WHERE s.tenant_id = ${tenantId}::uuid
             AND s.id = (SELECT w.spreadsheet_id FROM office.worksheets w WHERE w.id = ${target.worksheetId}::uuid AND w.tenant_id = ${tenantId}::uuid)
           FOR UPDATE`
      : await tx.$queryRaw<Array<{ id: string }>>`
          SELECT s.id FROM office.spreadsheets s WHERE s.tenant_id = ${tenantId}::uuid AND s.id = ${target.spreadsheetId}::uuid FOR UPDATE`;
    if (!locked.length) return null;
    const spreadsheetId = locked[0].id;
    const worksheets = await tx.$queryRaw<WorksheetRow[]>`
      SELECT id, name, index FROM office.worksheets WHERE tenant_id = ${tenantId}::uuid AND spreadsheet_id = ${spreadsheetId}::uuid ORDER BY index, id`;
    const names = await tx.$queryRaw<NamedRangeRow[]>`
      SELECT id, name, worksheet_id AS "worksheetId", range FROM office.named_ranges WHERE tenant_id = ${tenantId}::uuid AND spreadsheet_id = ${spreadsheetId}::uuid`;
    // Two single-table reads joined here rather than one join: right after a large paste the
    // planner's statistics are stale and a join plan can go from milliseconds to tens of seconds.
    const worksheetIds = worksheets.map((w) => w.id);
    const cells = await tx.$queryRaw<Array<{ cellId: string; worksheetId: string; row: number; column: number; formula: string; value: string | null; valueType: string | null }>>`
      SELECT id AS "cellId", worksheet_id AS "worksheetId", "row", "column", formula, value, value_type AS "valueType"
        FROM office.cells WHERE tenant_id = ${tenantId}::uuid AND worksheet_id = ANY(${worksheetIds}::uuid[]) AND formula IS NOT NULL`;
    const parsed = await tx.$queryRaw<Array<{ cellId: string; dependencies: Dependency[]; volatile: boolean; error: string | null }>>`
      SELECT cell_id AS "cellId", dependencies, volatile, error
        FROM office.formulas WHERE tenant_id = ${tenantId}::uuid AND worksheet_id = ANY(${worksheetIds}::uuid[])`;
    const byCell = new Map(parsed.map((p) => [p.cellId, p]));
    const formulas = cells.map((r): StoredFormula => {
      const p = byCell.get(r.cellId);
      return {
        cellId: r.cellId, worksheetId: r.worksheetId, row: r.row, column: r.column, formula: r.formula, value: r.value, valueType: r.valueType,
        dependencies: p?.dependencies ?? [], volatile: p?.volatile ?? false, invalid: p?.error === '#ERROR!', reindex: !p,
      };
    });
    return new SpreadsheetCommit(tx, tenantId, spreadsheetId, worksheets, names, formulas);
  }

  sheetName(worksheetId: string): string {
    return this.book.worksheetName(worksheetId) ?? '';
  }

  /** Formula cells whose formula reads the worksheet or the name (for removing them). */
  formulasReading(target: { worksheetId?: string; name?: string }): Array<{ worksheetId: string; row: number; column: number; formula: string }> {
    const name = target.name?.toLowerCase();
    return [...this.formulas.values()].filter((f) => f.dependencies.some((d) =>
      'name' in d ? d.name === name || (target.worksheetId !== undefined && this.names.get(d.name)?.worksheetId === target.worksheetId) : d.worksheetId === target.worksheetId));
  }

  /** Forgets a removed worksheet (its cells are gone with it) before the commit recomputes. */
  dropWorksheet(worksheetId: string): void {
    const index = this.worksheets.findIndex((w) => w.id === worksheetId);
    if (index >= 0) this.worksheets.splice(index, 1);
    for (const [key, f] of this.formulas) if (f.worksheetId === worksheetId) this.formulas.delete(key);
    for (const [key, n] of this.names) if (n.worksheetId === worksheetId) this.names.delete(key);
  }

  dropName(name: string): void {
    this.names.delete(name.toLowerCase());
  }

  addName(row: NamedRangeRow): void {
    this.names.set(row.name.toLowerCase(), row);
  }

  /** Recompute these formula cells (and their dependents) even though they were not written. */
  recompute(cells: Array<{ worksheetId: string; row: number; column: number }>): void {
    for (const c of cells) this.roots.add(cellKey(c.worksheetId, c.row, c.column));
  }

  /** Formula cells reading a name, by lower-case name. */
  formulasReadingName(name: string): Array<{ worksheetId: string; row: number; column: number }> {
    const lower = name.toLowerCase();
    return [...this.formulas.values()].filter((f) => f.dependencies.some((d) => 'name' in d && d.name === lower));
  }

  /** Applies written cells (in memory; `save` writes them). */
  write(edits: CellEdit[]): void {
    for (const edit of edits) {
      const key = cellKey(edit.worksheetId, edit.row, edit.column);
      this.written.set(key, edit);
      const before = this.formulas.get(key);
      if (edit.formula !== null) {
        const parsed = parseFormula(edit.formula, this.sheetName(edit.worksheetId), this.book);
        this.formulas.set(key, {
          cellId: before?.cellId ?? null, worksheetId: edit.worksheetId, row: edit.row, column: edit.column, formula: edit.formula,
          value: before?.value ?? null, valueType: before?.valueType ?? null, ...parsed, reindex: true,
        });
      } else if (before) {
        this.formulas.delete(key);
        if (edit.value !== null && before.cellId) this.unformulated.add(before.cellId);
      }
    }
  }

  /** Recomputes every dependent of the written cells, in dependency order; cycles read #CYCLE!. */
  async recalculate(): Promise<void> {
    const nodes = [...this.formulas.values()];
    const graph = new FormulaGraph(nodes, this.book);
    const roots = [...this.written.keys(), ...this.roots].map((k) => graph.nodeAt(k)).filter((n): n is number => n !== undefined);
    const plan = graph.plan([...this.written.values()], roots);
    if (!plan.order.length) return;

    // Values: written cells, stored formula results, and the literal cells the formulas read.
    const values = new Map<string, Scalar>();
    for (const f of nodes) values.set(cellKey(f.worksheetId, f.row, f.column), fromStored(f.value, f.valueType));
    for (const [key, w] of this.written) if (w.formula === null) values.set(key, fromStored(w.value, null));
    const wanted = new Map<string, Rect>();
    for (const n of plan.order) {
      for (const r of graph.rects(nodes[n])) {
        const single = r.fromRow === r.toRow && r.fromColumn === r.toColumn;
        if (single && values.has(cellKey(r.worksheetId, r.fromRow, r.fromColumn))) continue;
        wanted.set(`${r.worksheetId}:${r.fromRow}:${r.fromColumn}:${r.toRow}:${r.toColumn}`, r);
      }
    }
    await this.loadLiterals([...wanted.values()], values);

    const extents = new Map<string, { rows: number; columns: number }>();
    for (const key of values.keys()) {
      const [ws, r, c] = key.split(':');
      const e = extents.get(ws) ?? { rows: 0, columns: 0 };
      extents.set(ws, { rows: Math.max(e.rows, Number(r) + 1), columns: Math.max(e.columns, Number(c) + 1) });
    }
    const evaluator = new Evaluator(this.book, {
      get: (ws, row, column) => values.get(cellKey(ws, row, column)) ?? null,
      extent: (ws) => extents.get(ws) ?? { rows: 0, columns: 0 },
    });
    const evaluateAll = () => {
      for (const n of plan.order) {
        const f = nodes[n];
        const key = cellKey(f.worksheetId, f.row, f.column);
        const result = plan.cyclic.has(n) ? CYCLE : evaluator.evaluate(f.formula, this.sheetName(f.worksheetId), f.row, f.column, f.invalid);
        values.set(key, result);
        const stored = toStored(result);
        if (this.written.has(key) || stored.value !== f.value || stored.type !== f.valueType || f.reindex) {
          this.outcomes.set(key, { worksheetId: f.worksheetId, row: f.row, column: f.column, stored, formula: f.formula });
        }
      }
    };
    const budgetMs = recalcBudgetMs(plan.order.length);
    try {
      // The one thread of the subgraph serves every tenant: a recalculation has a limit.
      withinTimeBudget(budgetMs, evaluateAll);
    } catch (error) {
      if (!(error instanceof TimeBudgetExceeded)) throw error;
      throw badInput(`The formulas this change recalculates (${plan.order.length}) need more than ${budgetMs / 1000} s; nothing was written`);
    }
  }

  /** Literal (non-formula) cells inside the rectangles, in one statement. */
  private async loadLiterals(rects: Rect[], into: Map<string, Scalar>): Promise<void> {
    if (!rects.length) return;
    const json = JSON.stringify(rects.map((r) => ({ w: r.worksheetId, r1: r.fromRow, c1: r.fromColumn, r2: r.toRow, c2: r.toColumn })));
    const rows = await this.tx.$queryRaw<Array<{ w: string; r: number; c: number; v: string | null; t: string | null }>>`
      SELECT DISTINCT cell.worksheet_id AS w, cell."row" AS r, cell."column" AS c, cell.value AS v, cell.value_type AS t
        FROM jsonb_to_recordset(${json}::jsonb) AS q(w uuid, r1 int, c1 int, r2 int, c2 int)
        JOIN office.cells cell ON cell.worksheet_id = q.w AND cell."row" BETWEEN q.r1 AND q.r2 AND cell."column" BETWEEN q.c1 AND q.c2
       WHERE cell.tenant_id = ${this.tenantId}::uuid AND cell.formula IS NULL`;
    for (const row of rows) {
      const key = cellKey(row.w, row.r, row.c);
      if (!this.written.has(key)) into.set(key, fromStored(row.v, row.t));
    }
  }

  /** The view of a cell as the commit leaves it (value as shown). */
  private viewOf(key: string): CellView {
    const outcome = this.outcomes.get(key);
    const edit = this.written.get(key);
    const [, r, c] = key.split(':');
    if (outcome) return { row: outcome.row, column: outcome.column, value: outcome.stored ? display(outcome.stored.value, outcome.stored.type) : null, formula: outcome.formula };
    return { row: Number(r), column: Number(c), value: edit?.value ?? null, formula: edit?.formula ?? null };
  }

  /** Writes the commit: written cells, cleared cells, formula dependencies, recomputed values. */
  async save(userId: string | null): Promise<void> {
    const upserts: Array<{ w: string; r: number; c: number; v: string | null; f: string | null; t: string | null }> = [];
    const clears: Array<{ w: string; r: number; c: number }> = [];
    for (const [key, e] of this.written) {
      if (e.value === null && e.formula === null) clears.push({ w: e.worksheetId, r: e.row, c: e.column });
      else if (e.formula !== null) {
        const stored = this.outcomes.get(key)?.stored;
        upserts.push({ w: e.worksheetId, r: e.row, c: e.column, v: stored?.value ?? null, f: e.formula, t: stored?.type ?? null });
      } else upserts.push({ w: e.worksheetId, r: e.row, c: e.column, v: e.value, f: null, t: null });
    }
    const ids = new Map<string, string>();
    for (const part of chunks(upserts)) {
      const rows = await this.tx.$queryRaw<Array<{ id: string; w: string; r: number; c: number }>>`
        INSERT INTO office.cells (tenant_id, worksheet_id, "row", "column", value, formula, value_type, updated_by)
        SELECT ${this.tenantId}::uuid, u.w, u.r, u.c, u.v, u.f, u.t, ${userId}::uuid
          FROM jsonb_to_recordset(${JSON.stringify(part)}::jsonb) AS u(w uuid, r int, c int, v text, f text, t text)
        ON CONFLICT (worksheet_id, "row", "column") DO UPDATE
          SET value = EXCLUDED.value, formula = EXCLUDED.formula, value_type = EXCLUDED.value_type, updated_by = EXCLUDED.updated_by
        RETURNING id, worksheet_id AS w, "row" AS r, "column" AS c`;
      for (const row of rows) ids.set(cellKey(row.w, row.r, row.c), row.id);
    }
    for (const part of chunks(clears)) {
      await this.tx.$executeRaw`
        DELETE FROM office.cells cell USING jsonb_to_recordset(${JSON.stringify(part)}::jsonb) AS u(w uuid, r int, c int)
         WHERE cell.tenant_id = ${this.tenantId}::uuid AND cell.worksheet_id = u.w AND cell."row" = u.r AND cell."column" = u.c`;
    }
    if (this.unformulated.size) {
      await this.tx.$executeRaw`DELETE FROM office.formulas WHERE tenant_id = ${this.tenantId}::uuid AND cell_id = ANY(${[...this.unformulated]}::uuid[])`;
    }
    const indexed = [...this.formulas.entries()]
      .filter(([, f]) => f.reindex)
      .map(([key, f]) => ({ w: f.worksheetId, cell: ids.get(key) ?? f.cellId, expr: f.formula, deps: f.dependencies, vol: f.volatile, err: f.invalid ? '#ERROR!' : null }));
    for (const part of chunks(indexed)) {
      await this.tx.$executeRaw`
        INSERT INTO office.formulas (tenant_id, worksheet_id, cell_id, expression, dependencies, volatile, error, evaluated_at)
        SELECT ${this.tenantId}::uuid, u.w, u.cell, u.expr, u.deps, u.vol, u.err, now()
          FROM jsonb_to_recordset(${JSON.stringify(part)}::jsonb) AS u(w uuid, cell uuid, expr text, deps jsonb, vol boolean, err text)
        ON CONFLICT (cell_id) DO UPDATE
          SET worksheet_id = EXCLUDED.worksheet_id, expression = EXCLUDED.expression, dependencies = EXCLUDED.dependencies,
              volatile = EXCLUDED.volatile, error = EXCLUDED.error, evaluated_at = EXCLUDED.evaluated_at`;
    }
    const recomputed = [...this.outcomes.entries()]
      .filter(([key, o]) => !this.written.has(key) && o.stored)
      .map(([, o]) => ({ w: o.worksheetId, r: o.row, c: o.column, v: o.stored!.value, f: o.formula, t: o.stored!.type }));
    for (const part of chunks(recomputed)) {
      await this.tx.$executeRaw`
        UPDATE office.cells cell SET value = u.v, formula = u.f, value_type = u.t
          FROM jsonb_to_recordset(${JSON.stringify(part)}::jsonb) AS u(w uuid, r int, c int, v text, f text, t text)
         WHERE cell.tenant_id = ${this.tenantId}::uuid AND cell.worksheet_id = u.w AND cell."row" = u.r AND cell."column" = u.c`;
    }
  }

  /** Rewrites formula text (a removed worksheet or name became #REF!) and recomputes those cells. */
  rewrite(cells: Array<{ worksheetId: string; row: number; column: number; formula: string }>): void {
    for (const c of cells) {
      const key = cellKey(c.worksheetId, c.row, c.column);
      const before = this.formulas.get(key);
      if (!before) continue;
      this.formulas.set(key, { ...before, formula: c.formula, ...parseFormula(c.formula, this.sheetName(c.worksheetId), this.book), reindex: true });
      this.roots.add(key);
    }
  }

  /** Cells written by this commit on `worksheetId`, in the order given, then those recomputed there. */
  changedCells(worksheetId: string, order: CellEdit[] = []): CellView[] {
    const out: CellView[] = [];
    const done = new Set<string>();
    for (const e of order) {
      const key = cellKey(e.worksheetId, e.row, e.column);
      if (e.worksheetId !== worksheetId || done.has(key)) continue;
      done.add(key);
      out.push(this.viewOf(key));
    }
    const rest = [...this.outcomes.values()]
      .filter((o) => o.worksheetId === worksheetId && !done.has(cellKey(o.worksheetId, o.row, o.column)))
      .sort((a, b) => a.row - b.row || a.column - b.column);
    for (const o of rest) out.push(this.viewOf(cellKey(o.worksheetId, o.row, o.column)));
    return out;
  }

  /** Worksheets with cells changed by this commit (written, recomputed or rewritten). */
  touchedWorksheets(): string[] {
    const ids = new Set<string>([...this.written.values()].map((e) => e.worksheetId));
    for (const o of this.outcomes.values()) ids.add(o.worksheetId);
    return this.worksheets.map((w) => w.id).filter((id) => ids.has(id));
  }

  /** What the search index needs of the spreadsheet after this commit (spreadsheetSearchData). */
  async searchData(): Promise<SpreadsheetSearchData> {
    return spreadsheetSearchData(this.tx, this.tenantId, this.spreadsheetId, this.worksheets.map((w) => w.name));
  }

  /**
   * One cellsChanged event per worksheet the commit changed. `primary` carries the caller's audit
   * entry (the others are consequences, not separate actions); the cells are stored beside the
   * outbox row, so the event on the bus stays small whatever the number of cells. The last event
   * of the commit also carries the spreadsheet's search data (searchData), once per commit.
   */
  async publish(caller: CallerIdentity, primary: { worksheetId: string; order: CellEdit[]; changes: FieldChanges } | null): Promise<void> {
    const events = this.touchedWorksheets()
      .map((worksheetId) => ({ worksheetId, cells: this.changedCells(worksheetId, primary?.worksheetId === worksheetId ? primary.order : []) }))
      .filter((e) => e.cells.length);
    const search = events.length ? await this.searchData() : null;
    for (const [n, { worksheetId, cells }] of events.entries()) {
      const id = randomUUID();
      const audited = primary?.worksheetId === worksheetId;
      await recordChange({
        outboxEvent: {
          create: (args) => this.tx.outboxEvent.create({
            data: { ...args.data, id, payload: audited ? args.data.payload : { data: (args.data.payload as { data: unknown }).data } } as Prisma.OutboxEventUncheckedCreateInput,
          }),
        },
      }, caller, {
        type: CELLS_CHANGED, aggregateType: 'Worksheet', aggregateId: worksheetId, action: 'update',
        changes: audited ? primary.changes : {},
        data: { worksheetId, spreadsheetId: this.spreadsheetId, cellCount: cells.length, ...(n === events.length - 1 ? search : {}) },
      });
      // Raw, with the JSON as one text parameter: the client's own JSON handling of 10,000 cells costs ~0.5 s.
      await this.tx.$executeRaw`INSERT INTO office.cell_change_sets (event_id, tenant_id, cells) VALUES (${id}::uuid, ${this.tenantId}::uuid, ${JSON.stringify(cells)}::jsonb)`;
    }
  }
}


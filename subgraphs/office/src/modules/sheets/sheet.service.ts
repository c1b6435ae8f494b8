// Sheets: spreadsheets, their worksheets, cells and named ranges, scoped to the caller's tenant
// (office:read / office:write). setCells writes every cell of a call in one transaction.
import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { z } from 'zod';
import {
  authorize, badInput, byId, conflict, diffFields, forbidden, isUniqueViolation, isUuid, manyByKey, notFound, parseInput, recordChange, snapshot, unknownReference,
  type FieldChanges,
} from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { Cell, NamedRange, Spreadsheet, Worksheet } from '../../generated/prisma/client';
import { MAX_TEXT_LENGTH, display, withoutReferences } from './formula';
import { SpreadsheetCommit, type CellEdit, type CellView } from './workbook';

export type { CellView };

export interface CellRange {
  fromRow: number;
  fromColumn: number;
  toRow: number;
  toColumn: number;
}

/** Spreadsheet-sized bounds (as in common spreadsheet applications). */
const MAX_ROW = 1_048_575;
const MAX_COLUMN = 16_383;
const MAX_CELLS_PER_CALL = 10_000;
/** Cells audited one by one; a larger call is audited as its size. */
const AUDITED_CELLS = 500;
/**
 * A commit of 10,000 cells and their dependents takes one to a few seconds (bench/sheets.ts), more
 * on a saturated machine; this bounds it, and the wait of the commits queued behind its lock.
 */
const TRANSACTION_TIMEOUT_MS = 60_000;

const name = z.string().trim().min(1).max(255);
const createSchema = z.object({
  title: z.string().trim().min(1).max(500),
  worksheets: z.array(name).min(1).max(200).nullish()
    .refine((names) => !names || new Set(names.map((n) => n.toLowerCase())).size === names.length, { message: 'Worksheet names must be unique' }),
  folderId: z.string().uuid().nullish(),
});
const cellSchema = z.object({
  row: z.number().int().min(0).max(MAX_ROW),
  column: z.number().int().min(0).max(MAX_COLUMN),
  value: z.string().max(MAX_TEXT_LENGTH).nullish(),
  formula: z.string().trim().max(8_192).regex(/^=/, 'A formula starts with =').nullish(),
});
const cellsSchema = z.array(cellSchema).min(1).max(MAX_CELLS_PER_CALL)
  .superRefine((cells, issue) => {
    const seen = new Set<string>();
    cells.forEach((c, i) => {
      const key = `${c.row}:${c.column}`;
      if (seen.has(key)) issue.addIssue({ code: 'custom', message: `Cell row ${c.row}, column ${c.column} is given twice`, path: [i] });
      seen.add(key);
    });
  });
const rangeSchema = z.object({
  fromRow: z.number().int().min(0).max(MAX_ROW),
  fromColumn: z.number().int().min(0).max(MAX_COLUMN),
  toRow: z.number().int().min(0).max(MAX_ROW),
  toColumn: z.number().int().min(0).max(MAX_COLUMN),
}).refine((r) => r.fromRow <= r.toRow && r.fromColumn <= r.toColumn, { message: 'from must not be after to', path: ['toRow'] });
const namedRangeSchema = z.object({
  name: z.string().trim().min(1).max(255).regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'A name starts with a letter or _ and has letters, digits, _ and . only')
    // A formula would read these as a cell (A1), a column (AB) or a row-column reference (R1C1), or a boolean.
    .refine((n) => !/^[A-Za-z]{1,3}\d*$/.test(n) && !/^R\d*C\d*$/i.test(n) && !/^(true|false)$/i.test(n), { message: 'A name must not look like a cell, a column or a boolean (A1, AB, R1C1, TRUE)' }),
  range: rangeSchema,
});

const cellView = (c: { row: number; column: number; value?: string | null; formula?: string | null; valueType?: string | null }): CellView =>
  ({ row: c.row, column: c.column, value: display(c.value ?? null, c.valueType ?? null), formula: c.formula ?? null });

/** Puts a nested argument's name in front of a BAD_USER_INPUT error's field. */
function prefixed(field: string) {
  return (error: unknown) => {
    const ext = (error as { extensions?: { code?: string; field?: string } }).extensions;
    if (ext?.code === 'BAD_USER_INPUT') ext.field = ext.field ? `${field}.${ext.field}` : field;
    return error;
  };
}

export class SheetService {
  private readonly loaders: ReturnType<SheetService['createLoaders']>;

  constructor(private readonly ctx: OfficeContext) {
    this.loaders = this.createLoaders(ctx.caller.tenantId);
  }

  /** Per request, batched, always within the caller's tenant: a key of another tenant loads as null / []. */
  private createLoaders(tenantId: string | null) {
    const db = this.ctx.db;
    return {
      spreadsheetById: new DataLoader<string, Spreadsheet | null>(async (ids) =>
        byId(ids, tenantId ? await db.spreadsheet.findMany({ where: { tenantId, id: { in: [...ids] } } }) : [])),
      worksheetById: new DataLoader<string, Worksheet | null>(async (ids) =>
        byId(ids, tenantId ? await db.worksheet.findMany({ where: { tenantId, id: { in: [...ids] } } }) : [])),
      worksheetsBySpreadsheet: new DataLoader<string, Worksheet[]>(async (ids) =>
        manyByKey(ids, tenantId ? await db.worksheet.findMany({ where: { tenantId, spreadsheetId: { in: [...ids] } }, orderBy: [{ index: 'asc' }, { id: 'asc' }] }) : [], (w) => w.spreadsheetId)),
      namedRangesByWorksheet: new DataLoader<string, NamedRange[]>(async (ids) =>
        manyByKey(ids, tenantId ? await db.namedRange.findMany({ where: { tenantId, worksheetId: { in: [...ids] } }, orderBy: [{ name: 'asc' }] }) : [], (n) => n.worksheetId)),
      /** Key: worksheet id and range; one statement per distinct range in a batch. */
      cells: new DataLoader<{ worksheetId: string; range: CellRange | null }, Cell[], string>(
        async (keys) => {
          if (!tenantId) return keys.map(() => []);
          const byRange = new Map<string, string[]>();
          for (const k of keys) byRange.set(JSON.stringify(k.range), [...(byRange.get(JSON.stringify(k.range)) ?? []), k.worksheetId]);
          const found = new Map<string, Cell[]>();
          for (const [rangeKey, worksheetIds] of byRange) {
            const range = JSON.parse(rangeKey) as CellRange | null;
            const rows = await db.cell.findMany({
              where: {
                tenantId, worksheetId: { in: worksheetIds },
                ...(range ? { row: { gte: range.fromRow, lte: range.toRow }, column: { gte: range.fromColumn, lte: range.toColumn } } : {}),
              },
              orderBy: [{ row: 'asc' }, { column: 'asc' }],
            });
            worksheetIds.forEach((id, i) => found.set(`${id}|${rangeKey}`, manyByKey(worksheetIds, rows, (c) => c.worksheetId)[i]));
          }
          return keys.map((k) => found.get(`${k.worksheetId}|${JSON.stringify(k.range)}`) ?? []);
        },
        { cacheKeyFn: (k) => `${k.worksheetId}|${JSON.stringify(k.range)}` },
      ),
    };
  }

  private tenant(permission: 'office:read' | 'office:write'): string {
    return authorize(this.ctx.caller, permission);
  }

  async getSpreadsheet(id: string): Promise<Spreadsheet | null> {
    this.tenant('office:read');
    return isUuid(id) ? this.loaders.spreadsheetById.load(id) : null;
  }

  async getWorksheet(id: string): Promise<Worksheet | null> {
    this.tenant('office:read');
    return isUuid(id) ? this.loaders.worksheetById.load(id) : null;
  }

  worksheets(spreadsheetId: string): Promise<Worksheet[]> {
    this.tenant('office:read');
    return this.loaders.worksheetsBySpreadsheet.load(spreadsheetId);
  }

  namedRanges(worksheetId: string): Promise<NamedRange[]> {
    this.tenant('office:read');
    return this.loaders.namedRangesByWorksheet.load(worksheetId);
  }

  async cells(worksheetId: string, range: CellRange | null | undefined): Promise<CellView[]> {
    this.tenant('office:read');
    const checked = range ? (() => { try { return parseInput(rangeSchema, range); } catch (e) { throw prefixed('range')(e); } })() : null;
    return (await this.loaders.cells.load({ worksheetId, range: checked })).map(cellView);
  }

  async createSpreadsheet(input: unknown): Promise<Spreadsheet> {
    const tenantId = this.tenant('office:write');
    const data = parseInput(createSchema, input);
    const ownerId = this.ctx.caller.userId;
    if (!ownerId) throw forbidden('Spreadsheets are created by users, not API keys');
    const names = data.worksheets ?? ['Sheet1'];
    return this.ctx.db.$transaction(async (tx) => {
      if (data.folderId && !(await tx.folder.findFirst({ where: { tenantId, id: data.folderId }, select: { id: true } }))) throw unknownReference('folder', 'folderId');
      const now = new Date();
      const sheet = await tx.spreadsheet.create({ data: { id: randomUUID(), tenantId, ownerId, title: data.title, folderId: data.folderId ?? null, createdAt: now, updatedAt: now } });
      const worksheets = names.map((n, index) => ({ id: randomUUID(), tenantId, spreadsheetId: sheet.id, name: n, index }));
      await tx.worksheet.createMany({ data: worksheets });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.spreadsheet.created', aggregateType: 'Spreadsheet', aggregateId: sheet.id, action: 'create',
        changes: { ...diffFields(null, sheet, ['title', 'folderId']), worksheets: { from: null, to: names } },
        data: { ...snapshot(sheet, ['id', 'title', 'ownerId', 'folderId', 'createdAt']), spreadsheetId: sheet.id, worksheets: worksheets.map(({ id, name: n, index }) => ({ id, name: n, index })) },
      });
      return sheet;
    });
  }

  /**
   * Writes the cells and recomputes every formula that depends on them, on any worksheet of the
   * spreadsheet, all in one transaction under the spreadsheet's lock; one cellsChanged event per
   * worksheet changed. Returns the written cells (in the order given), then those recomputed on
   * this worksheet.
   */
  async setCells(worksheetId: string, input: unknown): Promise<CellView[]> {
    const tenantId = this.tenant('office:write');
    let cells: z.infer<typeof cellsSchema>;
    try {
      cells = parseInput(cellsSchema, input);
    } catch (error) {
      throw prefixed('cells')(error);
    }
    if (!isUuid(worksheetId)) throw notFound('Worksheet', 'worksheetId');
    const userId = this.ctx.caller.userId;
    return this.ctx.db.$transaction(async (tx) => {
      const commit = await SpreadsheetCommit.open(tx, tenantId, { worksheetId });
      if (!commit) throw notFound('Worksheet', 'worksheetId');
      // A formula's value is the server's: a value sent with it is ignored.
      const edits: CellEdit[] = cells.map((c) => ({ worksheetId, row: c.row, column: c.column, value: c.formula ? null : c.value ?? null, formula: c.formula ?? null }));
      const before = await tx.$queryRaw<Array<{ row: number; column: number; value: string | null; formula: string | null; valueType: string | null }>>`
        SELECT cell."row", cell."column", cell.value, cell.formula, cell.value_type AS "valueType"
          FROM jsonb_to_recordset(${JSON.stringify(edits.map((e) => ({ r: e.row, c: e.column })))}::jsonb) AS u(r int, c int)
          JOIN office.cells cell ON cell.worksheet_id = ${worksheetId}::uuid AND cell."row" = u.r AND cell."column" = u.c
         WHERE cell.tenant_id = ${tenantId}::uuid`;
      commit.write(edits);
      await commit.recalculate();
      await commit.save(userId);
      await tx.worksheet.update({ where: { id: worksheetId }, data: { updatedAt: new Date() } });
      const result = commit.changedCells(worksheetId, edits);
      const old = new Map(before.map((c) => [`${c.row}:${c.column}`, c]));
      const changes: FieldChanges = {};
      for (const cell of result.slice(0, edits.length)) {
        const existing = old.get(`${cell.row}:${cell.column}`);
        const from = existing ? { value: display(existing.value, existing.valueType), formula: existing.formula } : null;
        const to = cell.value === null && cell.formula === null ? null : { value: cell.value, formula: cell.formula };
        if (JSON.stringify(from) !== JSON.stringify(to)) changes[`R${cell.row}C${cell.column}`] = { from, to };
      }
      // A paste of thousands of cells is audited as its size, not cell by cell.
      const audit = Object.keys(changes).length > AUDITED_CELLS ? { cells: { from: null, to: { changed: Object.keys(changes).length } } } : changes;
      await commit.publish(this.ctx.caller, { worksheetId, order: edits, changes: audit });
      return result;
    }, { timeout: TRANSACTION_TIMEOUT_MS, maxWait: TRANSACTION_TIMEOUT_MS });
  }

  /**
   * Removes a worksheet with its cells and the named ranges on it. Formulas elsewhere that read it
   * (directly or through one of those names) get #REF! in place of the reference and are
   * recomputed with their dependents in the same commit. The last worksheet cannot be removed.
   */
  async deleteWorksheet(id: string): Promise<boolean> {
    const tenantId = this.tenant('office:write');
    if (!isUuid(id)) throw notFound('Worksheet', 'id');
    return this.ctx.db.$transaction(async (tx) => {
      const commit = await SpreadsheetCommit.open(tx, tenantId, { worksheetId: id });
      if (!commit) throw notFound('Worksheet', 'id');
      if (commit.worksheets.length === 1) throw badInput('A spreadsheet keeps at least one worksheet', 'id');
      const worksheet = commit.worksheets.find((w) => w.id === id)!;
      const names = [...commit.names.values()].filter((n) => n.worksheetId === id).map((n) => n.name);
      const readers = commit.formulasReading({ worksheetId: id }).filter((f) => f.worksheetId !== id);
      const rewritten = readers.map((f) => ({
        ...f,
        formula: [worksheet.name, ...names].reduce((text, removed, i) => withoutReferences(text, i === 0 ? { sheet: removed } : { name: removed }) ?? text, f.formula),
      }));
      await tx.worksheet.delete({ where: { id } });
      await tx.$executeRaw`
        UPDATE office.worksheets SET index = index - 1
         WHERE tenant_id = ${tenantId}::uuid AND spreadsheet_id = ${commit.spreadsheetId}::uuid AND index > ${worksheet.index}`;
      commit.dropWorksheet(id);
      commit.rewrite(rewritten);
      await commit.recalculate();
      await commit.save(this.ctx.caller.userId);
      await recordChange(tx, this.ctx.caller, {
        type: 'office.worksheet.deleted', aggregateType: 'Worksheet', aggregateId: id, action: 'delete',
        changes: { name: { from: worksheet.name, to: null }, namedRanges: { from: names, to: null } },
        data: { worksheetId: id, spreadsheetId: commit.spreadsheetId, name: worksheet.name, ...(await commit.searchData()) },
      });
      await commit.publish(this.ctx.caller, null);
      return true;
    }, { timeout: TRANSACTION_TIMEOUT_MS, maxWait: TRANSACTION_TIMEOUT_MS });
  }

  /** Removes a named range; formulas that read it get #REF! in its place and are recomputed. */
  async deleteNamedRange(id: string): Promise<boolean> {
    const tenantId = this.tenant('office:write');
    if (!isUuid(id)) throw notFound('NamedRange', 'id');
    return this.ctx.db.$transaction(async (tx) => {
      const named = await tx.namedRange.findFirst({ where: { tenantId, id } });
      if (!named) throw notFound('NamedRange', 'id');
      const commit = await SpreadsheetCommit.open(tx, tenantId, { spreadsheetId: named.spreadsheetId });
      if (!commit) throw notFound('NamedRange', 'id');
      const readers = commit.formulasReading({ name: named.name });
      await tx.namedRange.delete({ where: { id } });
      commit.dropName(named.name);
      commit.rewrite(readers.map((f) => ({ ...f, formula: withoutReferences(f.formula, { name: named.name }) ?? f.formula })));
      await commit.recalculate();
      await commit.save(this.ctx.caller.userId);
      await recordChange(tx, this.ctx.caller, {
        type: 'office.named_range.deleted', aggregateType: 'NamedRange', aggregateId: id, action: 'delete',
        changes: diffFields(named, null, ['name', 'range', 'worksheetId']),
        data: { id, spreadsheetId: named.spreadsheetId, worksheetId: named.worksheetId, name: named.name },
      });
      await commit.publish(this.ctx.caller, null);
      return true;
    }, { timeout: TRANSACTION_TIMEOUT_MS, maxWait: TRANSACTION_TIMEOUT_MS });
  }

  /** Defines a name; formulas that already read it (#NAME? so far) are recomputed in the same commit. */
  async defineNamedRange(worksheetId: string, args: { name: string; range: CellRange }): Promise<NamedRange> {
    const tenantId = this.tenant('office:write');
    const data = parseInput(namedRangeSchema, args);
    if (!isUuid(worksheetId)) throw notFound('Worksheet', 'worksheetId');
    try {
      return await this.ctx.db.$transaction(async (tx) => {
        const commit = await SpreadsheetCommit.open(tx, tenantId, { worksheetId });
        if (!commit) throw notFound('Worksheet', 'worksheetId');
        // Formulas read names case-insensitively, so two names may not differ only by case.
        if (commit.names.has(data.name.toLowerCase())) throw conflict(`A range named ${data.name} already exists in this spreadsheet`, 'name');
        const range = { fromRow: data.range.fromRow, fromColumn: data.range.fromColumn, toRow: data.range.toRow, toColumn: data.range.toColumn };
        const named = await tx.namedRange.create({
          data: { tenantId, spreadsheetId: commit.spreadsheetId, worksheetId, name: data.name, range, createdBy: this.ctx.caller.userId },
        });
        commit.addName({ id: named.id, name: named.name, worksheetId, range });
        commit.recompute(commit.formulasReadingName(named.name));
        await commit.recalculate();
        await commit.save(this.ctx.caller.userId);
        await recordChange(tx, this.ctx.caller, {
          type: 'office.named_range.created', aggregateType: 'NamedRange', aggregateId: named.id, action: 'create',
          changes: diffFields(null, named, ['name', 'range', 'worksheetId']),
          data: snapshot(named, ['id', 'spreadsheetId', 'worksheetId', 'name', 'range', 'createdAt']),
        });
        await commit.publish(this.ctx.caller, null);
        return named;
      }, { timeout: TRANSACTION_TIMEOUT_MS, maxWait: TRANSACTION_TIMEOUT_MS });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A range named ${data.name} already exists in this spreadsheet`, 'name');
      throw error;
    }
  }
}

// Sheets: spreadsheets, their worksheets, cells and named ranges, scoped to the caller's tenant
// (office:read / office:write). setCells writes every cell of a call in one transaction.
import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { z } from 'zod';
import {
  authorize, byId, conflict, diffFields, forbidden, isUniqueViolation, isUuid, lockRow, manyByKey, notFound, parseInput, recordChange, snapshot, unknownReference,
} from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { Cell, NamedRange, Spreadsheet, Worksheet } from '../../generated/prisma/client';

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
  value: z.string().max(50_000).nullish(),
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
  name: z.string().trim().min(1).max(255).regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'A name starts with a letter or _ and has letters, digits, _ and . only'),
  range: rangeSchema,
});

export interface CellView {
  row: number;
  column: number;
  value: string | null;
  formula: string | null;
}

const cellView = (c: { row: number; column: number; value?: string | null; formula?: string | null }): CellView =>
  ({ row: c.row, column: c.column, value: c.value ?? null, formula: c.formula ?? null });

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

  /** Upserts the given cells and deletes the empty ones, all in one transaction. */
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
      // Concurrent calls on one worksheet queue up, so the events' "from" sides are exact.
      if (!(await lockRow(tx, 'office.worksheets', worksheetId, tenantId))) throw notFound('Worksheet', 'worksheetId');
      const before = await tx.cell.findMany({ where: { tenantId, worksheetId, OR: cells.map((c) => ({ row: c.row, column: c.column })) } });
      const old = new Map(before.map((c) => [`${c.row}:${c.column}`, c]));
      const result: CellView[] = [];
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const toDelete: string[] = [];
      for (const c of cells) {
        const value = c.value ?? null;
        const formula = c.formula ?? null;
        const existing = old.get(`${c.row}:${c.column}`);
        if (value === null && formula === null) {
          if (existing) toDelete.push(existing.id);
        } else if (existing) {
          await tx.cell.update({ where: { id: existing.id }, data: { value, formula, updatedBy: userId } });
        } else {
          await tx.cell.create({ data: { tenantId, worksheetId, row: c.row, column: c.column, value, formula, updatedBy: userId } });
        }
        const view = cellView({ row: c.row, column: c.column, value, formula });
        const from = existing ? { value: existing.value, formula: existing.formula } : null;
        const to = value === null && formula === null ? null : { value, formula };
        if (JSON.stringify(from) !== JSON.stringify(to)) changes[`R${c.row}C${c.column}`] = { from, to };
        result.push(view);
      }
      if (toDelete.length) await tx.cell.deleteMany({ where: { tenantId, id: { in: toDelete } } });
      await tx.worksheet.update({ where: { id: worksheetId }, data: { updatedAt: new Date() } });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.worksheet.cells_changed', aggregateType: 'Worksheet', aggregateId: worksheetId, action: 'update',
        changes, data: { worksheetId, cells: result },
      });
      return result;
    });
  }

  async defineNamedRange(worksheetId: string, args: { name: string; range: CellRange }): Promise<NamedRange> {
    const tenantId = this.tenant('office:write');
    const data = parseInput(namedRangeSchema, args);
    if (!isUuid(worksheetId)) throw notFound('Worksheet', 'worksheetId');
    try {
      return await this.ctx.db.$transaction(async (tx) => {
        const worksheet = await tx.worksheet.findFirst({ where: { tenantId, id: worksheetId } });
        if (!worksheet) throw notFound('Worksheet', 'worksheetId');
        const range = { fromRow: data.range.fromRow, fromColumn: data.range.fromColumn, toRow: data.range.toRow, toColumn: data.range.toColumn };
        const named = await tx.namedRange.create({
          data: { tenantId, spreadsheetId: worksheet.spreadsheetId, worksheetId, name: data.name, range, createdBy: this.ctx.caller.userId },
        });
        await recordChange(tx, this.ctx.caller, {
          type: 'office.named_range.created', aggregateType: 'NamedRange', aggregateId: named.id, action: 'create',
          changes: diffFields(null, named, ['name', 'range', 'worksheetId']),
          data: snapshot(named, ['id', 'spreadsheetId', 'worksheetId', 'name', 'range', 'createdAt']),
        });
        return named;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A range named ${data.name} already exists in this spreadsheet`, 'name');
      throw error;
    }
  }
}

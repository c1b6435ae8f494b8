import type { OfficeContext } from '../../context';
import type { NamedRange, Spreadsheet, Worksheet } from '../../generated/prisma/client';
import type { CellsChangedView } from './cells-changed.stream';
import type { CellRange } from './sheet.service';

export const sheetsResolvers = {
  Query: {
    spreadsheet: (_: unknown, args: { id: string }, ctx: OfficeContext) => ctx.sheets.getSpreadsheet(args.id),
    worksheet: (_: unknown, args: { id: string }, ctx: OfficeContext) => ctx.sheets.getWorksheet(args.id),
  },
  Mutation: {
    createSpreadsheet: (_: unknown, args: { input: unknown }, ctx: OfficeContext) => ctx.sheets.createSpreadsheet(args.input),
    setCells: (_: unknown, args: { worksheetId: string; cells: unknown }, ctx: OfficeContext) => ctx.sheets.setCells(args.worksheetId, args.cells),
    defineNamedRange: (_: unknown, args: { worksheetId: string; name: string; range: CellRange }, ctx: OfficeContext) =>
      ctx.sheets.defineNamedRange(args.worksheetId, { name: args.name, range: args.range }),
    deleteWorksheet: (_: unknown, args: { id: string }, ctx: OfficeContext) => ctx.sheets.deleteWorksheet(args.id),
    deleteNamedRange: (_: unknown, args: { id: string }, ctx: OfficeContext) => ctx.sheets.deleteNamedRange(args.id),
  },
  Spreadsheet: {
    __resolveReference: (ref: { id: string }, ctx: OfficeContext) => ctx.sheets.getSpreadsheet(ref.id),
    owner: (s: Spreadsheet) => ({ __typename: 'User', id: s.ownerId }),
    worksheets: (s: Spreadsheet, _: unknown, ctx: OfficeContext) => ctx.sheets.worksheets(s.id),
  },
  Worksheet: {
    __resolveReference: (ref: { id: string }, ctx: OfficeContext) => ctx.sheets.getWorksheet(ref.id),
    spreadsheet: (w: Worksheet, _: unknown, ctx: OfficeContext) => ctx.sheets.getSpreadsheet(w.spreadsheetId),
    cells: (w: Worksheet, args: { range?: CellRange | null }, ctx: OfficeContext) => ctx.sheets.cells(w.id, args.range),
    namedRanges: (w: Worksheet, _: unknown, ctx: OfficeContext) => ctx.sheets.namedRanges(w.id),
  },
  NamedRange: {
    worksheet: (n: NamedRange, _: unknown, ctx: OfficeContext) => ctx.sheets.getWorksheet(n.worksheetId),
  },
  CellsChangedEvent: {
    actor: (e: CellsChangedView) => (e.actorId ? { __typename: 'User', id: e.actorId } : null),
  },
};

import { existing, userRef } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';

export const sheetsResolvers: Resolvers = {
  Query: {
    spreadsheet: (_, args, ctx) => ctx.sheets.getSpreadsheet(args.id),
    worksheet: (_, args, ctx) => ctx.sheets.getWorksheet(args.id),
  },
  Mutation: {
    createSpreadsheet: (_, args, ctx) => ctx.sheets.createSpreadsheet(args.input),
    setCells: (_, args, ctx) => ctx.sheets.setCells(args.worksheetId, args.cells),
    defineNamedRange: (_, args, ctx) =>
      ctx.sheets.defineNamedRange(args.worksheetId, { name: args.name, range: args.range }),
    deleteWorksheet: (_, args, ctx) => ctx.sheets.deleteWorksheet(args.id),
    deleteNamedRange: (_, args, ctx) => ctx.sheets.deleteNamedRange(args.id),
  },
  Spreadsheet: {
    __resolveReference: (ref, ctx) => ctx.sheets.getSpreadsheet(ref.id),
    owner: (s) => userRef(s.ownerId),
    worksheets: (s, _, ctx) => ctx.sheets.worksheets(s.id),
  },
  Worksheet: {
    __resolveReference: (ref, ctx) => ctx.sheets.getWorksheet(ref.id),
    spreadsheet: (w, _, ctx) => existing(ctx.sheets.getSpreadsheet(w.spreadsheetId), 'Worksheet.spreadsheet'),
    cells: (w, args, ctx) => ctx.sheets.cells(w.id, args.range),
    namedRanges: (w, _, ctx) => ctx.sheets.namedRanges(w.id),
  },
  NamedRange: {
    worksheet: (n, _, ctx) => existing(ctx.sheets.getWorksheet(n.worksheetId), 'NamedRange.worksheet'),
  },
  CellsChangedEvent: {
    actor: (e) => userRef(e.actorId),
  },
};

// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { SheetService, type CellRange, type CellView } from './sheet.service';
export { spreadsheetSearchData } from './workbook';
export { cellsChangedStream, type CellsChangedView } from './cells-changed.stream';
export { sheetsResolvers } from './resolvers';

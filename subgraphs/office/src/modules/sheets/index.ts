// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { SheetService, type CellRange, type CellView } from './sheet.service';
export { CellsEventService, type CellsChangedView } from './cells-event.service';
export { sheetsResolvers } from './resolvers';

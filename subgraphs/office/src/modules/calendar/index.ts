// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { CalendarService, eventReaderIds, type AgendaItem } from './calendar.service';
export { calendarResolvers } from './resolvers';

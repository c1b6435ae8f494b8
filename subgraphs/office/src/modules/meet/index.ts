// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { RoomService } from './room.service';
export { RoomEventService, type RoomEventView } from './room-events.service';
export { meetResolvers } from './resolvers';

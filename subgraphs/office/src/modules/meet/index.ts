// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { RoomService } from './room.service';
export { roomEventStream, type RoomEventView } from './room-events.stream';
export { meetResolvers } from './resolvers';

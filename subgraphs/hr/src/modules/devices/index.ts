// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { DeviceService } from './device.service';
export { deviceResolvers } from './resolvers';

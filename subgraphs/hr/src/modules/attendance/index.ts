// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { AttendanceService, type Timesheet } from './attendance.service';
export { attendanceResolvers } from './resolvers';

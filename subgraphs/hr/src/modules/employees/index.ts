// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { EmployeeService, type EmployeeFilter } from './employee.service';
export { employeeResolvers } from './resolvers';

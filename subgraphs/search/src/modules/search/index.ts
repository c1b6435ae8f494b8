// The door of this module: what the subgraph may use. Everything else here is private.
export { SearchService } from './search.service';
export { searchResolvers } from './resolvers';

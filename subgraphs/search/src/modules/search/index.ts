// The door of this module: what the subgraph may use. Everything else here is private.
export { SearchService, type SearchArgs } from './search.service';
export { searchResolvers } from './resolvers';

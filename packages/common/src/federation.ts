// The module every subgraph starts with: the Federation 2 link, the contract's scalars, the Relay
// PageInfo (shareable, so every subgraph can return connections) and the @eventStream directive.
import { readFileSync } from 'node:fs';
import type { GraphQLSchemaModule } from '@apollo/subgraph/dist/schema-helper';
import { parse, type DocumentNode } from 'graphql';
import { EVENT_STREAM_SDL } from './events/stream';
import { scalarResolvers, scalarTypeDefs } from './scalars';

export const baseModule: GraphQLSchemaModule = {
  typeDefs: parse(/* GraphQL */ `
    extend schema
      @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@composeDirective"])

    ${EVENT_STREAM_SDL}

    ${scalarTypeDefs}

    "Relay cursor pagination (cursors are opaque and stable under inserts)."
    type PageInfo @shareable {
      hasNextPage: Boolean!
      hasPreviousPage: Boolean!
      startCursor: String
      endCursor: String
    }
  `),
  resolvers: scalarResolvers,
};

/** Reads a module's SDL file that sits beside its code. */
export function loadTypeDefs(path: string): DocumentNode {
  return parse(readFileSync(path, 'utf8'));
}

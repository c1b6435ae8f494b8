// Request shape limits at the gateway, before any subgraph is called: a query nested deeper than
// GRAPHQL_MAX_DEPTH or selecting more than GRAPHQL_MAX_FIELDS fields (counting through fragments and aliases) is
// refused with QUERY_TOO_COMPLEX; a subscription sent over HTTP is told to use the WebSocket.
import type { ApolloServerPlugin } from '@apollo/server';
import { setting } from '@bacbos/common';
import { GraphQLError, Kind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';


function measure(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, depth: number, seen: Set<string>): { depth: number; fields: number } {
  let deepest = depth;
  let fields = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      fields += 1;
      if (selection.selectionSet) {
        const inner = measure(selection.selectionSet, fragments, depth + 1, seen);
        deepest = Math.max(deepest, inner.depth);
        fields += inner.fields;
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const inner = measure(selection.selectionSet, fragments, depth, seen);
      deepest = Math.max(deepest, inner.depth);
      fields += inner.fields;
    } else {
      const fragment = fragments[selection.name.value];
      if (!fragment || seen.has(fragment.name.value)) continue; // cycles are a validation error anyway
      const inner = measure(fragment.selectionSet, fragments, depth, new Set([...seen, fragment.name.value]));
      deepest = Math.max(deepest, inner.depth);
      fields += inner.fields;
    }
  }
  return { depth: deepest, fields };
}

export const requestLimitsPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, document }) {
        if (!operation) return;
        if (operation.operation === 'subscription') {
          throw new GraphQLError('Subscriptions run over WebSocket (graphql-transport-ws) on this same path', {
            extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
          });
        }
        // Introspection (the playground's, codegen's) is deep by nature and answered by the gateway
        // itself without touching a subgraph; it is governed by the INTROSPECTION switch instead.
        const introspectionOnly = operation.selectionSet.selections.every(
          (s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type'),
        );
        if (introspectionOnly) return;
        const fragments = Object.fromEntries(
          document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
        );
        const { depth, fields } = measure(operation.selectionSet, fragments, 1, new Set());
        const maxDepth = setting('GRAPHQL_MAX_DEPTH');
        const maxFields = setting('GRAPHQL_MAX_FIELDS');
        if (depth > maxDepth || fields > maxFields) {
          throw new GraphQLError(`Query too complex: depth ${depth} (max ${maxDepth}), ${fields} fields (max ${maxFields})`, {
            extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } },
          });
        }
      },
    };
  },
};

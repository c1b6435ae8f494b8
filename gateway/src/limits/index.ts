// Request shape limits at the gateway, before any subgraph is called, each refusal a
// QUERY_TOO_COMPLEX error carrying what was measured and the limit in `extensions`:
// - tokens: graphql-js stops parsing at GRAPHQL_MAX_TOKENS (Apollo's `parseOptions`), so a huge
//   document is never fully parsed, let alone validated;
// - aliases, directives, depth: graphql-armor's rules, run in the validation pass;
// - cost: graphql-armor's cost rule once the variables are known (list sizes from `first`/`last`);
// - the request body: GRAPHQL_MAX_BODY_BYTES (413 PAYLOAD_TOO_LARGE, from the app's JSON error handler).
// Field suggestions ("Did you mean ...") are removed unless introspection is allowed: they reveal
// the schema as well as introspection does. A subscription sent over HTTP is told to use the WebSocket.
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { setting } from '@bacbos/common';
import express from 'express';
import { GraphQLError, type ParseOptions, type ValidationContext, type ValidationRule } from 'graphql';
import { OperationCostCache } from './cost';

type Measured = Record<string, number | string>;

/** The contract's QUERY_TOO_COMPLEX with the measured value and its limit in `extensions`. */
export class QueryTooComplexError extends GraphQLError {
  constructor(message: string, readonly measured: Measured, status = 400) {
    super(message, { extensions: { code: 'QUERY_TOO_COMPLEX', ...measured, http: { status } } });
  }
}

export interface RequestLimits {
  maxTokens: number;
  maxAliases: number;
  maxDirectives: number;
  maxDepth: number;
  maxCost: number;
  maxBodyBytes: number;
  suggestions: boolean;
}

export function requestLimitsFromSettings(): RequestLimits {
  return {
    maxTokens: setting('GRAPHQL_MAX_TOKENS'),
    maxAliases: setting('GRAPHQL_MAX_ALIASES'),
    maxDirectives: setting('GRAPHQL_MAX_DIRECTIVES'),
    maxDepth: setting('GRAPHQL_MAX_DEPTH'),
    maxCost: setting('GRAPHQL_MAX_COST'),
    maxBodyBytes: setting('GRAPHQL_MAX_BODY_BYTES'),
    suggestions: setting('INTROSPECTION'),
  };
}

/** armor reports "… limit of N exceeded, found M."; the limit rules turn that into a contract error. */
function refuse(what: string, key: string, limit: number) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const found = /found (\d+)/.exec(error.message)?.[1];
    const measured: Measured = { [key]: found ? Number(found) : `>${limit}`, [`max${key[0].toUpperCase()}${key.slice(1)}`]: limit };
    context?.reportError(new QueryTooComplexError(`Query too complex: ${found ?? 'more than ' + limit} ${what} (max ${limit})`, measured));
  };
}

const costs = new WeakMap<object, number>();
const costCache = new OperationCostCache();

/** The cost of the operation this request runs (computed once, shared with the budgets). */
export function costOf(requestContext: GraphQLRequestContext<object>): number {
  const known = costs.get(requestContext);
  if (known !== undefined) return known;
  const { document, operation, schema, request } = requestContext;
  const cost = document && operation ? costCache.cost(schema, document, operation, request.variables ?? {}) : 0;
  costs.set(requestContext, cost);
  return cost;
}

/** Apollo Server options and the plugin that apply the limits. */
export function requestLimits(limits: RequestLimits = requestLimitsFromSettings()): {
  parseOptions: ParseOptions;
  validationRules: ValidationRule[];
  plugin: ApolloServerPlugin<object>;
} {
  const validationRules = [
    maxAliasesRule({ n: limits.maxAliases, allowList: [], propagateOnRejection: false, onReject: [refuse('aliases', 'aliases', limits.maxAliases)] }),
    maxDirectivesRule({ n: limits.maxDirectives, propagateOnRejection: false, onReject: [refuse('directives', 'directives', limits.maxDirectives)] }),
    // Introspection (the playground's, codegen's) is deep by nature; the INTROSPECTION switch governs it.
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, propagateOnRejection: false, onReject: [refuse('levels deep', 'depth', limits.maxDepth)] }),
  ];
  const plugin: ApolloServerPlugin<object> = {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const { operation } = requestContext;
          if (!operation) {
            // An operationName the document does not define, or several operations and no name: the
            // client's mistake, a request that does not validate (the contract's codes have no other
            // for it). Without this the gateway's executor threw it, and it came out as a 500.
            throw unresolvableOperation(requestContext.request.operationName);
          }
          if (operation.operation === 'subscription') {
            throw new GraphQLError('Subscriptions run over WebSocket (graphql-transport-ws) on this same path', {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
          const cost = costOf(requestContext);
          if (cost > limits.maxCost) {
            throw new QueryTooComplexError(`Query too complex: cost ${cost} (max ${limits.maxCost})`, { cost, maxCost: limits.maxCost });
          }
        },
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            // Apollo wraps validation errors as GRAPHQL_VALIDATION_FAILED and a stopped parse as
            // GRAPHQL_PARSE_FAILED; give the limits their own code back.
            const extensions = error.extensions as Record<string, unknown>;
            if (error.originalError instanceof QueryTooComplexError) {
              Object.assign(extensions, error.originalError.measured, { code: 'QUERY_TOO_COMPLEX' });
            } else if (extensions.code === 'GRAPHQL_PARSE_FAILED') {
              const tooLong = tokenLimitError(error.message, limits.maxTokens);
              if (tooLong) {
                Object.assign(extensions, tooLong.measured, { code: 'QUERY_TOO_COMPLEX' });
                error.message = tooLong.message;
              }
            }
            if (!limits.suggestions) error.message = withoutSuggestions(error.message);
          }
        },
      };
    },
  };
  return { parseOptions: { maxTokens: limits.maxTokens }, validationRules, plugin };
}

/** JSON bodies up to GRAPHQL_MAX_BODY_BYTES; a larger one is refused (413, JSON) by the app's error handler before it is read whole. */
export function bodyLimit(limits: RequestLimits = requestLimitsFromSettings()): express.RequestHandler {
  return express.json({ limit: limits.maxBodyBytes });
}

/** The error for an operationName the document does not define (or several operations, none named). */
export function unresolvableOperation(name: string | null | undefined): GraphQLError {
  return new GraphQLError(name ? `Unknown operation named "${name}".` : 'Must provide operation name if query contains multiple operations.', {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
  });
}

/** A parse error that is GRAPHQL_MAX_TOKENS stopping the parser, as the limit's own error (else undefined). */
export function tokenLimitError(parseErrorMessage: string, maxTokens: number): QueryTooComplexError | undefined {
  // graphql-js 16 spells it "more that".
  if (!/Document contains more th(?:an|at) \d+ tokens/.test(parseErrorMessage)) return undefined;
  return new QueryTooComplexError(`Query too complex: more than ${maxTokens} tokens (parsing stopped there)`, { maxTokens });
}

/** The message without graphql-js's field suggestions ("Did you mean …?"), which reveal the schema. */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/g, '');
}

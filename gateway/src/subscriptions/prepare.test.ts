// What a subscribe that cannot run gets back (prepareOperation, run before graphql-ws's own
// preparation): HTTP's codes and limits, no HTTP status, and field suggestions only where
// introspection is allowed. The socket-level behaviour is in tests/subscriptions/errors.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { GraphQLError, specifiedRules } from 'graphql';
import { requestLimits } from '../limits';
import { prepareOperation, type OperationChecks } from './server';

const schema = Supergraph.build(readFileSync(join(__dirname, '../../../schema/supergraph.graphql'), 'utf8')).apiSchema().toGraphQLJSSchema();
const limits = requestLimits({ maxTokens: 200, maxAliases: 2, maxDirectives: 5, maxDepth: 6, maxCost: 1_000, maxBodyBytes: 1_000, suggestions: true });
const checks = (suggestions: boolean): OperationChecks => ({ parseOptions: limits.parseOptions, rules: [...specifiedRules, ...limits.validationRules], suggestions });
const refusal = (query: string, suggestions = true, variables?: Record<string, unknown>) => {
  const result = prepareOperation(schema, { query, variables }, checks(suggestions));
  if (!Array.isArray(result)) throw new Error(`expected errors, got an operation to run`);
  return result.map((e: GraphQLError) => e.toJSON());
};

it('keeps field suggestions only where introspection is allowed', () => {
  const typo = 'subscription { contactEvents { typ } }';
  expect(refusal(typo, true)[0].message).toMatch(/Did you mean "type"\?/);
  expect(refusal(typo, false)).toEqual([{ message: 'Cannot query field "typ" on type "ContactEvent".', locations: [{ line: 1, column: 32 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
});

it('gives a limit its own code and measurements, without the HTTP status', () => {
  expect(refusal('subscription { contactEvents { a: type b: type c: type } }')[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', aliases: 3, maxAliases: 2 });
  expect(refusal(`subscription { contactEvents { ${'type '.repeat(300)}} }`)[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', maxTokens: 200 });
});

it('runs a valid subscription with the client\'s own variables', () => {
  const result = prepareOperation(schema, { query: 'subscription ($after: ID) { contactEvents(after: $after) { type } }', variables: { after: 5 } }, checks(true));
  expect(Array.isArray(result)).toBe(false);
  expect(result).toMatchObject({ variableValues: { after: 5 } });
});

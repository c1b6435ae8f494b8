// GraphQL over HTTP: a client that accepts the legacy `application/json` gets 200 for every
// well-formed request, whatever GraphQL request error it raised (a document that does not parse or
// validate, variables that do not coerce, a limit); only `application/graphql-response+json` clients
// get the 4xx (spec §"application/json", checked by graphql-http's audits in the suite).
// Errors about the HTTP exchange itself keep their status: 401, 405, 413, 429.
import type { ApolloServerPlugin } from '@apollo/server';
import Negotiator from 'negotiator';

const REQUEST_ERRORS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'QUERY_TOO_COMPLEX']);
const LEGACY = 'application/json';
// The order Apollo Server negotiates in: application/json wins a tie.
const MEDIA_TYPES = [LEGACY, 'application/graphql-response+json'];

export const legacyJsonStatusPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ request, response, errors }) {
        if (!request.http || response.http.status !== 400 || response.body.kind !== 'single') return;
        if (response.body.singleResult.data !== undefined) return;
        if (!errors?.length || !errors.every((e) => REQUEST_ERRORS.has(String(e.extensions?.code)))) return;
        const accept = request.http.headers.get('accept');
        if (!accept || new Negotiator({ headers: { accept } }).mediaType(MEDIA_TYPES) === LEGACY) response.http.status = 200;
      },
    };
  },
};

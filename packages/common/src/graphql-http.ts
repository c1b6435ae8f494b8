// Apollo Server as the last express handler of a /graphql route. It does what
// @as-integrations/express5's middleware does, but answers with `res.end`: that middleware answers
// with express's `res.send`, which hashes every response body into an ETag (SHA-1) that no
// GraphQL POST can use, and it parses the URL with the legacy `url.parse` on every request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';

/** Apollo's view of a node request whose body is already parsed. */
export function apolloRequest(req: IncomingMessage, body: unknown): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const name in req.headers) {
    const value = req.headers[name];
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = req.url ?? '';
  const query = url.indexOf('?');
  return { method: (req.method ?? 'POST').toUpperCase(), headers, search: query < 0 ? '' : url.slice(query), body };
}

/** Writes Apollo's answer with `res.end` (or chunk by chunk, for incremental delivery). */
export async function writeApolloResponse(res: ServerResponse, answer: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of answer.headers) res.setHeader(key, value);
  res.statusCode = answer.status ?? 200;
  if (answer.body.kind === 'complete') {
    res.end(answer.body.string);
    return;
  }
  for await (const chunk of answer.body.asyncIterator) res.write(chunk);
  res.end();
}

export function graphqlMiddleware<Context extends BaseContext>(
  server: ApolloServer<Context>,
  context: (args: { req: Request; res: Response }) => Promise<Context>,
): RequestHandler {
  server.assertStarted('graphqlMiddleware()');
  return async (req, res, next) => {
    try {
      const answer = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest: apolloRequest(req, req.body), context: () => context({ req, res }) });
      await writeApolloResponse(res, answer);
    } catch (error) {
      next(error);
    }
  };
}

// Apollo Server as the last express handler of a /graphql route. It does what
// @as-integrations/express5's middleware does, but answers with `res.end`: that middleware answers
// with express's `res.send`, which hashes every response body into an ETag (SHA-1) that no
// GraphQL POST can use, and it parses the URL with the legacy `url.parse` on every request.
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';

export function graphqlMiddleware<Context extends BaseContext>(
  server: ApolloServer<Context>,
  context: (args: { req: Request; res: Response }) => Promise<Context>,
): RequestHandler {
  server.assertStarted('graphqlMiddleware()');
  return async (req, res, next) => {
    try {
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const query = req.url.indexOf('?');
      const answer = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: query < 0 ? '' : req.url.slice(query), body: req.body },
        context: () => context({ req, res }),
      });
      for (const [key, value] of answer.headers) res.setHeader(key, value);
      res.statusCode = answer.status ?? 200;
      if (answer.body.kind === 'complete') {
        res.end(answer.body.string);
        return;
      }
      for await (const chunk of answer.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (error) {
      next(error);
    }
  };
}

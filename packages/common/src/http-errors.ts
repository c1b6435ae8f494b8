// The last two handlers of every express app of the platform (gateway and subgraphs): whatever
// fails at the HTTP level answers a JSON GraphQL error with a contract code, whatever NODE_ENV is,
// never express's HTML page with a stack and file paths.
import type express from 'express';
import { rootLogger } from './logger';

export function httpErrorBody(message: string, code: string): { errors: { message: string; extensions: { code: string } }[] } {
  return { errors: [{ message, extensions: { code } }] };
}

/** A request no route answers: 404 NOT_FOUND. */
export const notFoundHandler: express.RequestHandler = (req, res) => {
  res.status(404).json(httpErrorBody(`No route for ${req.method} ${req.path}`, 'NOT_FOUND'));
};

/** Errors of body-parser (body-parser names each by `type`) and anything else a handler threw. */
export const jsonErrorHandler: express.ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) return next(error); // express then ends the connection
  const err = (error ?? {}) as { type?: string; status?: number; statusCode?: number; limit?: number };
  const status = err.status ?? err.statusCode;
  let answer: [number, string, string];
  switch (err.type) {
    case 'entity.parse.failed':
      answer = [400, 'BAD_REQUEST', 'The request body is not valid JSON'];
      break;
    case 'entity.too.large':
      answer = [413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${err.limit ?? 'the limit'} bytes`];
      break;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      answer = [415, 'BAD_REQUEST', 'Unsupported content encoding or charset'];
      break;
    case 'request.aborted':
    case 'request.size.invalid':
      answer = [400, 'BAD_REQUEST', 'The request body was incomplete'];
      break;
    default:
      if (typeof status === 'number' && status >= 400 && status < 500) {
        answer = [status, status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', 'Bad request'];
      } else {
        rootLogger.error({ err: error, method: req.method, path: req.path }, 'unhandled error in an HTTP handler');
        answer = [500, 'INTERNAL_SERVER_ERROR', 'Internal server error'];
      }
  }
  const [code, contractCode, message] = answer;
  res.status(code).json(httpErrorBody(message, contractCode));
};

/** Mounts both after every route of `app`. */
export function useJsonErrors(app: express.Express): void {
  app.use(notFoundHandler);
  app.use(jsonErrorHandler);
}

// POST /graphql without express: the request every client sends, served by a plain node:http
// handler that reads the JSON body (size-limited) and calls Apollo Server's
// executeHTTPGraphQLRequest directly. express's router, body-parser, res.send (an ETag hash of
// every answer) and its per-request req/res decoration cost about a tenth of the gateway's CPU per
// request. Everything else (GET /graphql, the playground, health, metrics, /oauth/token) stays on
// express, and so does any POST whose body needs more than the plain case: a content encoding
// (gzip...), a charset other than UTF-8, another media type. Those answer exactly as before.
//
// The same steps as the express chain, in the same order: request id (echoed), access log and
// metrics on close, the body limit (413 PAYLOAD_TOO_LARGE), malformed JSON (400 BAD_REQUEST), the
// persisted-operations gate, the operation's span, then Apollo with the authenticated caller.
import type { ApolloServer } from '@apollo/server';
import {
  REQUEST_ID_HEADER, apolloRequest, httpErrorBody, newRequestRecord, observeGraphQLResponse, rootLogger, runInRequest, startOperationSpan, writeApolloResponse, type CallerIdentity, type RequestRecord,
} from '@bacbos/common';
import { trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import proxyAddr from 'proxy-addr';
import type { AccessControl } from './access';
import type { GatewayContext } from './app';
import type { PersistedOperations } from './persisted';

const JSON_TYPE = 'application/json; charset=utf-8';
const accessLog = rootLogger.child({ component: 'access' });
const log = rootLogger.child({ component: 'gateway' });

export interface GraphQLPostOptions {
  server: ApolloServer<GatewayContext>;
  access: AccessControl;
  persisted: PersistedOperations;
  maxBodyBytes: number;
  /** express's compiled `trust proxy` (app.get('trust proxy fn')): the client address as req.ip gives it. */
  trustProxy: (address: string, hop: number) => boolean;
}

/** The path of a request target, without its query string. */
const pathOf = (url: string | undefined): string => {
  const target = url ?? '';
  const query = target.indexOf('?');
  return query < 0 ? target : target.slice(0, query);
};

/**
 * True for what this handler serves: POST /graphql with an unencoded JSON body in UTF-8 (a missing
 * charset is UTF-8). Anything else is express's, as before.
 */
export function isPlainGraphQLPost(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || pathOf(req.url) !== '/graphql') return false;
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  const type = req.headers['content-type'];
  if (!type) return false;
  const [media, ...parameters] = type.split(';');
  if (media.trim().toLowerCase() !== 'application/json') return false;
  for (const parameter of parameters) {
    const eq = parameter.indexOf('=');
    if (parameter.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const charset = parameter.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') return false;
  }
  return true;
}

class BodyError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** The body as express.json({ strict: true }) reads it: an object or an array, {} when empty. */
function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const tooLarge = () => new BodyError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limit} bytes`);
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume(); // discard what the client still sends; the answer goes out at once
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('error', () => reject(new BodyError(400, 'BAD_REQUEST', 'The request body was incomplete')));
    req.once('end', () => {
      if (length > limit) return;
      let text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length)).toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const first = /^[ \t\n\r]*(.)/.exec(text)?.[1];
      if (first === undefined) return resolve({});
      if (first !== '{' && first !== '[') return reject(new BodyError(400, 'BAD_REQUEST', 'The request body is not valid JSON'));
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new BodyError(400, 'BAD_REQUEST', 'The request body is not valid JSON'));
      }
    });
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', JSON_TYPE);
  res.end(JSON.stringify(body));
}

/** The handler for requests isPlainGraphQLPost accepted. */
export function graphqlPostHandler(options: GraphQLPostOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { server, access, persisted, maxBodyBytes, trustProxy } = options;
  const observer = { server: 'gateway', log: accessLog, level: 'info' } as const;

  async function serve(req: IncomingMessage, res: ServerResponse, record: RequestRecord): Promise<void> {
    let body: unknown;
    try {
      body = await readJsonBody(req, maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      return sendJson(res, error.status, httpErrorBody(error.message, error.code));
    }
    const refused = persisted.refusal(body as { query?: unknown });
    if (refused) return sendJson(res, 400, refused);

    const httpGraphQLRequest = apolloRequest(req, body);
    const { headers } = httpGraphQLRequest;
    const context = async (): Promise<GatewayContext> => {
      const caller: CallerIdentity = await access.authenticate({
        authorization: headers.get('authorization') ?? null,
        apiKey: headers.get('x-api-key') ?? null,
        ipAddress: proxyAddr(req, trustProxy),
        userAgent: headers.get('user-agent') ?? null,
        requestId: record.requestId,
      });
      return { caller };
    };
    // The operation's span starts here, as express's chain starts it after the body and the gate.
    const response = await startOperationSpan(res, () => server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context }));
    await writeApolloResponse(res, response);
  }

  return (req, res) => {
    // The HTTP server span's route and name, as express's instrumentation gives them on the
    // routes it serves; no span (tracing off): nothing to do.
    trace.getActiveSpan()?.setAttribute('http.route', '/graphql').updateName('POST /graphql');
    const record = newRequestRecord(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, record.requestId);
    observeGraphQLResponse(observer, record, res);
    runInRequest(record, () =>
      serve(req, res, record).catch((error: unknown) => {
        log.error({ err: error }, 'unhandled error serving POST /graphql');
        if (res.headersSent) res.destroy();
        else sendJson(res, 500, httpErrorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
      }),
    );
  };
}

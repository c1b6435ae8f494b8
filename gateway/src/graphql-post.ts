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
  REQUEST_ID_HEADER, apolloRequest, httpErrorBody, isPlainJsonPost, readJsonBodyOrAnswer, sendJson, newRequestRecord, observeGraphQLResponse, rootLogger, runInRequest, startOperationSpan, writeApolloResponse, type CallerIdentity, type RequestRecord,
} from '@bacbos/common';
import { trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import proxyAddr from 'proxy-addr';
import type { AccessControl } from './access';
import type { GatewayContext } from './app';
import type { PersistedOperations } from './persisted';

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

/** True for what this handler serves: POST /graphql with an unencoded JSON body in UTF-8. Anything else is express's, as before. */
export const isPlainGraphQLPost = (req: IncomingMessage): boolean => isPlainJsonPost(req, '/graphql');

/** The handler for requests isPlainGraphQLPost accepted. */
export function graphqlPostHandler(options: GraphQLPostOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { server, access, persisted, maxBodyBytes, trustProxy } = options;
  const observer = { server: 'gateway', log: accessLog, level: 'info' } as const;

  async function serve(req: IncomingMessage, res: ServerResponse, record: RequestRecord): Promise<void> {
    const read = await readJsonBodyOrAnswer(req, res, maxBodyBytes);
    if (!read) return;
    const { body } = read;
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

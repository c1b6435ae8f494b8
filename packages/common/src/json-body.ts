// A JSON POST read without express: what express.json({ strict: true }) accepts, with the answers
// jsonErrorHandler (http-errors.ts) gives its failures. For the plain case only (isPlainJsonPost):
// anything with a content encoding, another charset or media type stays on express.
// The gateway's POST /graphql (gateway/src/graphql-post.ts) and the subgraphs' fast path both read here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpErrorBody } from './http-errors';

const JSON_TYPE = 'application/json; charset=utf-8';

/** The path of a request target, without its query string. */
export const pathOf = (url: string | undefined): string => {
  const target = url ?? '';
  const query = target.indexOf('?');
  return query < 0 ? target : target.slice(0, query);
};

/** POST `path` with an unencoded JSON body in UTF-8 (a missing charset is UTF-8). */
export function isPlainJsonPost(req: IncomingMessage, path: string): boolean {
  if (req.method !== 'POST' || pathOf(req.url) !== path) return false;
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

export class BodyError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** The body as express.json({ strict: true }) reads it: an object or an array, {} when empty. */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
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

/** readJsonBody, its failure answered here (413 PAYLOAD_TOO_LARGE, 400 BAD_REQUEST): undefined when it was. */
export async function readJsonBodyOrAnswer(req: IncomingMessage, res: ServerResponse, limit: number): Promise<{ body: unknown } | undefined> {
  try {
    return { body: await readJsonBody(req, limit) };
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    sendJson(res, error.status, httpErrorBody(error.message, error.code));
    return undefined;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', JSON_TYPE);
  res.end(JSON.stringify(body));
}

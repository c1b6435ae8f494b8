import pino, { type Logger } from 'pino';
import { setting } from './config';
import { requestLogFields } from './observability/request-context';

export type { Logger };

/** LOG_LEVEL; a bad value logs at info until the process's validateConfig() stops it, naming it. */
function readLevel(): pino.Level | 'silent' {
  try {
    return setting('LOG_LEVEL') ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info');
  } catch {
    return 'info';
  }
}

const level = readLevel();
const sinks = new Set<(line: string) => void>();

/**
 * Structured JSON logs on stdout (LOG_LEVEL=silent in tests); each line written while serving a
 * request carries its requestId. Extra sinks (addLogSink) receive the same lines.
 */
export const rootLogger: Logger = pino(
  {
    level,
    base: { service: 'bacbos' },
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'password', 'refreshToken'],
    mixin: requestLogFields,
  },
  pino.multistream([
    { level: 'trace', stream: { write: (line: string) => sinks.forEach((sink) => sink(line)) } },
    ...(level === 'silent' ? [] : [{ level, stream: pino.destination() }]),
  ]),
);

/** Also sends every log line to `sink` (e.g. a test reading the access log); returns its removal. */
export function addLogSink(sink: (line: string) => void): () => void {
  sinks.add(sink);
  return () => sinks.delete(sink);
}

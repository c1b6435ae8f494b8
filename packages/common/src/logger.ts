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
 * stdout, written asynchronously and in batches: lines are queued and written by the event loop
 * once 4 KB have gathered, or at the latest every LOG_FLUSH_MS, never a synchronous write on a
 * request's path (the access log written line by line, synchronously, was 7.7 % of the gateway's
 * CPU; asynchronously but line by line still 3.5 %). flushLogs() at the stop writes what is queued;
 * pino also flushes synchronously on process exit.
 */
const LOG_FLUSH_MS = 100;
const stdout = level === 'silent' ? undefined : pino.destination({ sync: false, minLength: 4096, periodicFlush: LOG_FLUSH_MS });

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
    ...(stdout ? [{ level, stream: stdout }] : []),
  ]),
);

/** Also sends every log line to `sink` (e.g. a test reading the access log); returns its removal. */
export function addLogSink(sink: (line: string) => void): () => void {
  sinks.add(sink);
  return () => sinks.delete(sink);
}

/**
 * Writes every queued log line before the process exits (runProcess calls it last): waits for the
 * write in flight, then writes the rest synchronously.
 */
export async function flushLogs(timeoutMs = 2_000): Promise<void> {
  if (!stdout) return;
  // sonic-boom has no public "writing" flag; flushSync would not wait for the asynchronous write in flight.
  if ((stdout as unknown as { _writing?: boolean })._writing) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      stdout.once('drain', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  try {
    stdout.flushSync();
  } catch {
    // not open yet or gone (EPIPE): nothing more can be written
  }
}

import pino, { type Logger } from 'pino';
import { setting } from './config';

export type { Logger };

/** LOG_LEVEL; a bad value logs at info until the process's validateConfig() stops it, naming it. */
function level(): string {
  try {
    return setting('LOG_LEVEL') ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info');
  } catch {
    return 'info';
  }
}

/** Structured JSON logs on stdout; LOG_LEVEL=silent in tests. */
export const rootLogger: Logger = pino({
  level: level(),
  base: { service: 'bacbos' },
  redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'password', 'refreshToken'],
});

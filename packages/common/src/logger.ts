import pino, { type Logger } from 'pino';
import { setting } from './config';

export type { Logger };

/** Structured JSON logs on stdout; LOG_LEVEL=silent in tests. */
export const rootLogger: Logger = pino({
  level: setting('LOG_LEVEL') ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info'),
  base: { service: 'bacbos' },
  redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'password', 'refreshToken'],
});

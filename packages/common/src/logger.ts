import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; LOG_LEVEL=silent in tests. */
export const rootLogger: Logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info'),
  base: { service: 'bacbos' },
  redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'password', 'refreshToken'],
});

// How every process of the platform starts and stops (npm start, the gateway, each subgraph):
// - SIGTERM and SIGINT start one orderly stop (the process's own stop function: stop accepting,
//   finish in-flight requests within SHUTDOWN_TIMEOUT_MS, close WebSockets with 1001, let the
//   relays finish their batch, leave the consumer groups, close pools), then one log line and exit 0;
// - a second signal more than a second later exits at once (Ctrl-C reaches every process of the
//   terminal's group and npm and tsx relay it again, so a quick repeat is the same request);
// - a stop that outlives the timeout by 5 s, or fails, exits 1 with one line and no stack;
// - a connection that breaks while idle (a database failover, the embedded PostgreSQL stopping on
//   the same Ctrl-C) is reported in one line and never crashes the process (guardConnection).
import { constants } from 'node:os';
import type { Pool } from 'pg';
import { setting } from './config';
import { flushLogs, rootLogger, type Logger } from './logger';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/** Repeats of a signal within this window belong to the same request to stop. */
const REPEAT_WINDOW_MS = 1_000;
/** What the stop may take beyond SHUTDOWN_TIMEOUT_MS (relay batch, consumer groups, pools). */
const CLEANUP_GRACE_MS = 5_000;

/**
 * How long a stopping process waits for in-flight HTTP requests (and WebSocket close handshakes)
 * before it closes their connections: SHUTDOWN_TIMEOUT_MS, default 10 000.
 */
export function shutdownTimeoutMs(): number {
  return setting('SHUTDOWN_TIMEOUT_MS');
}

let stopping = false;

/** True once this process began to stop: connections breaking now are expected. */
export function isShuttingDown(): boolean {
  return stopping;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0];

export interface RunOptions {
  log?: Logger;
  /** Where the one closing line goes (default: the logger, at info). */
  announce?: (line: string) => void;
  /** Runs after the stop, before the exit: e.g. export the spans still buffered. */
  flush?: () => Promise<void>;
}

/**
 * Runs a process: installs the signal handlers at once, then starts it. `start` resolves to the
 * process's stop function. A signal during start stops it as soon as it is up; a failed start
 * exits 1 with one line naming the cause.
 */
export function runProcess(name: string, start: () => Promise<() => Promise<void>>, options: RunOptions = {}): void {
  const log = options.log ?? rootLogger.child({ process: name });
  const announce = options.announce ?? ((line: string) => log.info(line));
  let firstSignalAt: number | undefined;
  const started = start();
  started.catch((error: unknown) => {
    log.error(`${name} failed to start: ${messageOf(error)}`);
    process.exit(1);
  });

  const onSignal = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (firstSignalAt !== undefined) {
      if (now - firstSignalAt < REPEAT_WINDOW_MS) return;
      log.warn(`${name}: second ${signal}, exiting without finishing the shutdown`);
      process.exit(128 + (constants.signals[signal] ?? 0));
    }
    firstSignalAt = now;
    stopping = true;
    const limit = shutdownTimeoutMs() + CLEANUP_GRACE_MS;
    setTimeout(() => {
      log.error(`${name} did not stop within ${limit} ms of ${signal}; exiting`);
      process.exit(1);
    }, limit).unref();
    started
      .then((stop) => stop())
      .then(() => options.flush?.())
      .then(
        async () => {
          announce(`${name} stopped on ${signal} in ${Date.now() - now} ms`);
          await flushLogs(); // the last requests' access lines and this one, before the exit
          process.exit(0);
        },
        (error: unknown) => {
          log.error(`${name} could not stop cleanly: ${messageOf(error)}`);
          process.exit(1);
        },
      );
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

interface ErrorEmitter {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * An 'error' handler for a pg Pool or Client, an ioredis client or any other long-lived
 * connection: Node crashes the process on an 'error' event nobody listens to, and a pool emits one
 * whenever the server ends an idle connection. The pool drops that connection and opens a new one
 * on the next checkout; clients that must stay connected (LISTEN) reconnect themselves.
 * Logged in one line (no stack), at debug while the process stops.
 */
export function guardConnection<T extends ErrorEmitter>(emitter: T, what: string, log: Logger = rootLogger): T {
  emitter.on('error', (error: Error) => {
    const fields = { connection: what, code: (error as { code?: string }).code, reason: messageOf(error) };
    if (stopping) log.debug(fields, 'connection closed while stopping');
    else log.warn(fields, 'connection lost; it will be replaced');
  });
  return emitter;
}

/**
 * guardConnection for a pg Pool and every client it opens: the pool listens for errors of idle
 * clients only, so a client checked out between two queries (a transaction waiting on Kafka, say)
 * would still crash the process when the server ends its connection. The next query on it fails
 * and the pool discards it.
 */
export function guardPool<T extends Pool>(pool: T, what: string, log: Logger = rootLogger): T {
  guardConnection(pool, what, log);
  pool.on('connect', (client) => {
    client.on('error', () => undefined); // reported once, by the pool's listener or the failing query
  });
  return pool;
}

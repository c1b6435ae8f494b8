// The HTTP server of every process (gateway, subgraphs), with keep-alive timeouts that outlast
// its clients' idle connections.
//
// Node closes a keep-alive connection `keepAliveTimeout` after its last answer (5 s by default),
// and it decides that on its timer, before it reads what already arrived on the socket: a process
// that did not run for a few seconds (a starved machine, a long GC pause) closes, on resuming,
// connections whose client sent a request meanwhile on a connection it had used a moment before.
// The client reads `ECONNRESET` / `UND_ERR_SOCKET` for a request that never ran (the soak's
// clusters of errors outside fault windows). The server's keep-alive must therefore be far longer
// than any client keeps a connection idle (the gateway's subgraph pool: 30 s, see
// gateway/src/fetcher.ts; load balancers: 60 s), so only a stall of that length can meet it.
import http from 'node:http';
import { setting } from './config';

/** How long a server keeps an idle keep-alive connection open (HTTP_KEEP_ALIVE_TIMEOUT_MS). */
export function keepAliveTimeoutMs(): number {
  return setting('HTTP_KEEP_ALIVE_TIMEOUT_MS');
}

export function createHttpServer(listener: http.RequestListener): http.Server {
  const server = http.createServer(listener);
  server.keepAliveTimeout = keepAliveTimeoutMs();
  // Above the keep-alive: a request that starts just before the connection's idle time ends gets
  // the whole header time (Node's own advice for servers behind a load balancer).
  server.headersTimeout = Math.max(server.headersTimeout, keepAliveTimeoutMs() + 1_000);
  return server;
}

/**
 * Listens on `host:port`. A port another process holds is an error that names it and the variable
 * that moves it (`npm start` prints it as one line), not an unhandled 'error' event and a stack.
 */
export function listenHttp(server: http.Server, port: number, host: string, portVariable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' || error.code === 'EACCES'
        ? new Error(`port ${host}:${port} is ${error.code === 'EADDRINUSE' ? 'in use' : 'not allowed'}: stop the other server or set ${portVariable}`)
        : error);
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

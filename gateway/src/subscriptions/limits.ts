// WebSocket limits. Each refusal closes the socket with a code the client can act on:
// - 1009 a message larger than WS_MAX_MESSAGE_BYTES (ws' maxPayload);
// - 4429 more open sockets for the tenant than its plan's maxWebSockets (per gateway instance), or
//   more than WS_MAX_SUBSCRIPTIONS_PER_SOCKET subscriptions on one socket;
// - 1006 (dropped) a socket that has not answered the previous ping after WS_KEEPALIVE_MS.
// The protocol's own codes (4400, 4401, 4403, 4408, 4409) are listed in server.ts.
import type { WebSocket, WebSocketServer } from 'ws';
import { setting, type CallerIdentity, type Logger } from '@bacbos/common';

export const TOO_MANY_REQUESTS = 4429;

export class SocketLimits {
  readonly maxMessageBytes = setting('WS_MAX_MESSAGE_BYTES');
  readonly maxSubscriptionsPerSocket = setting('WS_MAX_SUBSCRIPTIONS_PER_SOCKET');
  readonly keepAliveMs = setting('WS_KEEPALIVE_MS');
  private readonly socketsPerTenant = new Map<string, number>();

  /** Counts the socket against its tenant's cap until it closes; closes it with 4429 when full. */
  admit(socket: WebSocket, caller: CallerIdentity): boolean {
    const tenantId = caller.tenantId;
    if (!tenantId) return true;
    const open = this.socketsPerTenant.get(tenantId) ?? 0;
    const max = caller.limits?.maxWebSockets;
    if (max !== undefined && open >= max) {
      socket.close(TOO_MANY_REQUESTS, `Too many WebSockets for this tenant (max ${max})`);
      return false;
    }
    this.socketsPerTenant.set(tenantId, open + 1);
    socket.once('close', () => {
      const left = (this.socketsPerTenant.get(tenantId) ?? 1) - 1;
      if (left > 0) this.socketsPerTenant.set(tenantId, left);
      else this.socketsPerTenant.delete(tenantId);
    });
    return true;
  }

  /** `subscriptions` counts the one being started; closes the socket with 4429 past the cap. */
  admitSubscription(socket: WebSocket, subscriptions: number): boolean {
    if (subscriptions <= this.maxSubscriptionsPerSocket) return true;
    socket.close(TOO_MANY_REQUESTS, `Too many subscriptions on this socket (max ${this.maxSubscriptionsPerSocket})`);
    return false;
  }
}

/**
 * ws closes an oversized message with 1009 itself and then emits 'error', which graphql-ws would log
 * as an internal error. Call after useServer: a message too large is the client's, logged as such;
 * any other socket error is still logged and closes with graphql-ws' 4500.
 */
export function logSocketErrors(wss: WebSocketServer, log: Logger): void {
  wss.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.once('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return void log.info({ code: 1009 }, 'WebSocket message too large; closed');
      log.error({ err: error }, 'WebSocket error');
      socket.close(4500, 'Internal server error');
    });
  });
}

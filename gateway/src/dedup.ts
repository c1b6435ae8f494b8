// Safe in-flight dedup of subgraph queries (GATEWAY_INFLIGHT_DEDUP=true): while a query is on its
// way to a subgraph, an identical one (same subgraph, operation and variables) FOR THE SAME CALLER
// waits for its answer instead of being sent again. The key carries everything the subgraph's answer
// may depend on about the caller (tenant, actor, session, permissions, modules, limits, time zone),
// so two tenants, two users or two roles never share an answer: unlike a dedup keyed on URL, method
// and body only, where the caller travels in a header. Mutations are never deduplicated. Each
// waiter parses its own copy of the answer (the gateway merges into what it parses).
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { setting, type CallerIdentity } from '@bacbos/common';

/** Set by the data source for a dedupable fetch, read and removed by the fetcher: never sent. */
const DEDUP_HEADER = 'x-bacbos-inflight-key';

export const inflightDedupEnabled = (): boolean => setting('GATEWAY_INFLIGHT_DEDUP');

const keys = new WeakMap<CallerIdentity, string>();

/** What identifies the caller to a subgraph; not the request id, address or user agent. */
function callerKey(caller: CallerIdentity): string {
  let key = keys.get(caller);
  if (!key) {
    const { kind, tenantId, userId, sessionId, apiKeyId, oauthClientId, permissions, modules, limits, timeZone, email } = caller;
    key = JSON.stringify([kind, tenantId, userId, sessionId, apiKeyId, oauthClientId ?? null, permissions, modules, limits ?? null, timeZone ?? null, email ?? null]);
    keys.set(caller, key);
  }
  return key;
}

/** Marks a subgraph fetch as dedupable by its caller; queries only. */
export function markDedupable(request: { query?: string; http?: { headers: { set(name: string, value: string): void } } }, caller: CallerIdentity | undefined): void {
  if (!caller || !request.query || !/^\s*(query\b|\{)/.test(request.query)) return;
  request.http?.headers.set(DEDUP_HEADER, callerKey(caller));
}

/** Wraps the subgraph fetcher: fetches marked by markDedupable share one call while in flight. */
export function withInflightDedup(fetch: Fetcher): Fetcher {
  const inflight = new Map<string, Promise<FetcherResponse>>();
  return (url: string, init: FetcherRequestInit = {}) => {
    const caller = init.headers?.[DEDUP_HEADER];
    if (caller === undefined) return fetch(url, init);
    const headers = { ...init.headers };
    delete headers[DEDUP_HEADER];
    const request = { ...init, headers };
    const key = `${url}\n${caller}\n${typeof init.body === 'string' ? init.body : init.body?.toString('utf8') ?? ''}`;
    const running = inflight.get(key);
    if (running) return running.then((response) => response.clone());
    const call = fetch(url, request).finally(() => inflight.delete(key));
    inflight.set(key, call);
    return call;
  };
}

// The signed caller header, built once per client request: a query plan's fetches (crm, then
// platform for the owners, ...) all carry the same header, so it is signed once. A caller that
// lives longer than a request (a subscriber, whose payloads run as it) gets a fresh header once
// this one is half-way through its 60 s.
import { signCallerIdentitySync, type CallerIdentity } from '@bacbos/common';

const REUSE_MS = 30_000;
const signed = new WeakMap<CallerIdentity, { header: string; at: number }>();

export function callerHeader(caller: CallerIdentity, secret: string): string {
  const now = Date.now();
  const hit = signed.get(caller);
  if (hit && now - hit.at < REUSE_MS) return hit.header;
  const header = signCallerIdentitySync(caller, secret);
  signed.set(caller, { header, at: now });
  return header;
}

// The HTTP request in progress, carried through async calls (AsyncLocalStorage): its id for every
// log line it causes (the logger's mixin reads it), and what the access log and the operation
// metrics learn about it along the way (operation, caller, error codes). No imports on purpose:
// the logger depends on this file.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestRecord {
  requestId: string;
  /** W3C trace id of the request's span when tracing is on. */
  traceId?: string;
  /** process.hrtime.bigint() at arrival. */
  startedAt: bigint;
  /** True once the operation parsed and validated (its name is then a safe label). */
  resolved: boolean;
  operationName: string | null;
  operationType: string | null;
  errorCodes: Set<string>;
  caller?: { kind: string; tenantId: string | null };
}

const storage = new AsyncLocalStorage<RequestRecord>();

export function runInRequest<T>(record: RequestRecord, fn: () => T): T {
  return storage.run(record, fn);
}

export function currentRequest(): RequestRecord | undefined {
  return storage.getStore();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Fields every log line written during a request carries (pino mixin). */
export function requestLogFields(): { requestId?: string } {
  const requestId = storage.getStore()?.requestId;
  return requestId ? { requestId } : {};
}

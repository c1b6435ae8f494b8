// graphql-ws clients for the subscription tests.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

export interface Collected<T = any> {
  values: T[];
  errors: unknown[];
  completed: boolean;
  client: Client;
  closeCode?: number;
  dispose(): Promise<void>;
}

/** Opens a connection, subscribes, and collects every payload. Resolves once the server acked. */
export async function subscribe<T = any>(
  httpUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
  /** The gateway's hub: resolve only once it holds the new subscription. */
  hub?: { registered: number },
): Promise<Collected<T>> {
  const before = hub?.registered ?? 0;
  let acked!: () => void;
  let failed!: (e: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => { acked = resolve; failed = reject; });
  const collected: Collected<T> = { values: [], errors: [], completed: false } as unknown as Collected<T>;
  const client = createClient({
    url: wsUrl(httpUrl),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined, // the test reads closeCode instead
    on: {
      connected: () => acked(),
      closed: (event) => {
        collected.closeCode = (event as { code?: number }).code;
        failed(new Error(`closed ${collected.closeCode}`));
      },
    },
  });
  collected.client = client;
  client.subscribe<T>({ query, variables }, {
    next: (value) => {
      if (value.errors) collected.errors.push(...value.errors);
      if (value.data) collected.values.push(value.data as T);
    },
    error: (error) => void collected.errors.push(error),
    complete: () => { collected.completed = true; },
  });
  collected.dispose = () => client.dispose() as Promise<void>;
  await ready;
  if (hub) await waitFor(() => hub.registered > before, 'the subscription to be registered');
  return collected;
}

export async function waitFor(predicate: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

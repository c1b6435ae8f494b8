// OpenTelemetry traces, end to end against the real services: the platform runs in a child process
// (tracing must start before the instrumented modules load, which jest's module registry would
// bypass) and exports OTLP http/json to a receiver in this test. One client mutation with a W3C
// traceparent must yield ONE connected trace: the gateway's server span under the caller's span,
// the operation and its subgraph fetches, the subgraph's server span and its SQL, Redis, the
// relay's publish of the outbox event, and the delivery to a live subscriber.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { anonymousCaller, CONTEXT_HEADER, signCallerIdentity } from '@bacbos/common';
import { tracingRequested } from '@bacbos/common/tracing';
import { contractOperation as op, gql, signUpTenant, type TestTenant } from '../helpers/graphql';
import { renderTrace, SpanKind, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver';
import { subscribe, waitFor, type Collected } from '../subscriptions/helpers';

const root = join(__dirname, '..', '..');

interface Started {
  child: ChildProcess;
  gatewayUrl: string;
  tracing: boolean;
  sdkLoaded: boolean;
  httpPatched: boolean;
}

/** Starts tests/helpers/traced-platform.ts with the given OTEL_* variables (and no others). */
async function startTracedPlatform(otel: Record<string, string>): Promise<Started> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  delete env.JEST_WORKER_ID; // the child is not a jest worker
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'tests', 'helpers', 'traced-platform.ts')], {
    cwd: root,
    env: { ...env, ...otel },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  return new Promise<Started>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the traced platform did not start in 90 s: ${stderr}`)), 90_000);
    child.once('exit', (code) => reject(new Error(`the traced platform exited (${code}): ${stderr}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{"gatewayUrl"')) return;
      clearTimeout(timer);
      resolve({ child, ...(JSON.parse(line) as Omit<Started, 'child'>) });
    });
  });
}

async function stop(child: ChildProcess | undefined): Promise<number | null> {
  if (!child || child.exitCode !== null) return child?.exitCode ?? null;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe('when OTEL_* asks for traces (http/json)', () => {
  let receiver: OtlpReceiver;
  let platform: Started;
  let tenant: TestTenant;
  let sub: Collected | undefined;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    platform = await startTracedPlatform({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'bacbos-tracing-test',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    tenant = await signUpTenant(platform.gatewayUrl, 'Traced');
  }, 120_000);

  afterAll(async () => {
    await sub?.dispose();
    await stop(platform?.child);
    await receiver?.close();
  });

  it('starts the SDK', () => {
    expect(platform).toMatchObject({ tracing: true, sdkLoaded: true, httpPatched: true });
  });

  it('puts a traced mutation, its subgraph work, its SQL, Redis, the relay publish and the subscriber delivery in one trace', async () => {
    sub = await subscribe(platform.gatewayUrl, tenant.accessToken, op('crm', 'ContactEvents'));
    // The subscription is registered shortly after the connection is acknowledged: retry with a
    // new contact (and a new trace) until one reaches the subscriber, then check that one's trace.
    const sent = new Map<string, { traceId: string; parentId: string }>();
    let delivered: string | undefined;
    for (let attempt = 0; attempt < 10 && !delivered; attempt += 1) {
      const traceId = hex(16);
      const parentId = hex(8);
      const email = `traced-${randomUUID().slice(0, 8)}@example.com`;
      sent.set(email, { traceId, parentId });
      // A new document text per attempt: the gateway caches plans by text, and we want to see one.
      const res = await gql(platform.gatewayUrl, `${op('crm', 'CreateContact')}\n# attempt ${attempt}`, { input: { firstName: 'Trace', lastName: 'Me', email } }, {
        ...tenant.headers,
        traceparent: `00-${traceId}-${parentId}-01`,
      });
      expect(res.errors).toBeUndefined();
      await waitFor(() => sub!.values.length > 0, 'a delivery', 3_000).catch(() => undefined);
      delivered = sub.values[0]?.contactEvents.contact.email as string | undefined;
    }
    expect(delivered).toBeDefined();
    const { traceId, parentId } = sent.get(delivered!)!;

    const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
    // The dispatch span ends last (after every delivery): once it is exported, the trace is complete.
    await waitFor(() => inTrace().some((s) => s.name === 'subscription.dispatch crm.contact.created'), 'the dispatch span to be exported', 20_000).catch(() => undefined);
    const spans = inTrace();
    const tree = renderTrace(spans);
    console.log(`trace ${traceId} of CreateContact reaching a subscriber:\n${tree}`);

    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentOf = (span: ReceivedSpan) => byId.get(span.parentSpanId);
    const ancestors = (span: ReceivedSpan): ReceivedSpan[] => {
      const chain: ReceivedSpan[] = [];
      for (let p = parentOf(span); p; p = parentOf(p)) chain.push(p);
      return chain;
    };
    const one = (what: string, predicate: (s: ReceivedSpan) => boolean): ReceivedSpan => {
      const found = spans.filter(predicate);
      if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length} in:\n${tree}`);
      return found[0];
    };

    // One connected trace: every span's parent is in it, except the root, which is the caller's span.
    const roots = spans.filter((s) => !byId.has(s.parentSpanId));
    expect(roots.map((s) => s.parentSpanId)).toEqual([parentId]);

    // The gateway's HTTP server span continues the incoming traceparent.
    const gatewayServer = roots[0];
    expect(gatewayServer).toMatchObject({ kind: SpanKind.SERVER, service: 'bacbos-tracing-test' });
    expect(gatewayServer.attributes['http.route']).toBe('/graphql');

    // The operation, the plan and the fetch to crm, nested under it.
    const operation = one('operation span', (s) => s.name === 'graphql.operation CreateContact');
    expect(parentOf(operation)).toBe(gatewayServer);
    expect(operation.attributes['graphql.operation.type']).toBe('mutation');
    const gatewayRequest = one('gateway.request', (s) => s.name === 'gateway.request' && parentOf(s) === operation);
    const fetch = one('crm fetch', (s) => s.name === 'gateway.fetch crm' && parentOf(parentOf(s)!) === gatewayRequest);
    expect(spans.some((s) => s.name === 'gateway.plan' && parentOf(s) === gatewayRequest)).toBe(true);

    // The HTTP client span of the fetch, and the subgraph's server span as its child.
    const client = one('client span of the fetch', (s) => s.kind === SpanKind.CLIENT && parentOf(s) === fetch);
    const subgraphServer = one('crm server span', (s) => s.kind === SpanKind.SERVER && parentOf(s) === client);
    expect(subgraphServer.attributes['http.route']).toBe('/graphql');
    const execute = one('crm execute span', (s) => s.name === 'graphql.operation CreateContact__crm__0' && ancestors(s).includes(subgraphServer));

    // Each SQL statement of the subgraph, with its text (placeholders, no values).
    const sql = spans.filter((s) => s.attributes['db.system.name'] === 'postgresql' && ancestors(s).includes(execute));
    const statements = sql.map((s) => String(s.attributes['db.query.text']));
    expect(statements.some((q) => /INSERT INTO "crm"\."contacts"/.test(q))).toBe(true);
    expect(statements.some((q) => /INSERT INTO "crm"\."outbox"/.test(q))).toBe(true);
    expect(statements.join('\n')).not.toContain(delivered!);

    // Redis: the gateway's revocation / tenant-state look-ups for this caller.
    expect(spans.some((s) => s.attributes['db.system.name'] === 'redis' && ancestors(s).includes(gatewayServer))).toBe(true);

    // The outbox row keeps the mutation's context (the relay continues it)...
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    const { rows } = await db.query("SELECT traceparent FROM crm.outbox WHERE type = 'crm.contact.created' AND payload->'data'->>'email' = $1", [delivered]).finally(() => db.end());
    expect(rows).toHaveLength(1);
    expect(rows[0].traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    // ...the relay's publish of the outbox event, a child of the mutation's work in crm...
    const publish = one('outbox publish', (s) => s.name === 'outbox.publish crm.contact.created');
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(ancestors(publish)).toContain(execute);
    expect(publish.attributes['messaging.destination.name']).toBe('bacbos.crm.events');
    // ...and the gateway's dispatch of that event, its payload query and the delivery, under it.
    const dispatch = one('dispatch', (s) => s.name === 'subscription.dispatch crm.contact.created');
    expect(dispatch.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(dispatch)).toBe(publish);
    const delivery = one('delivery', (s) => s.name === 'subscription.deliver contactEvents');
    expect(parentOf(delivery)).toBe(dispatch);
    expect(delivery.attributes['bacbos.delivered']).toBe(true);
    expect(spans.some((s) => s.name === 'gateway.fetch crm' && ancestors(s).includes(dispatch))).toBe(true);
  }, 90_000);

  it('starts a new trace for a request without traceparent, and none for health checks', async () => {
    const before = new Set(receiver.spans.map((s) => s.traceId));
    const res = await gql(platform.gatewayUrl, '{ __typename }');
    expect(res.status).toBe(200);
    await fetch(platform.gatewayUrl.replace(/\/graphql$/, '/health'));
    await waitFor(() => receiver.spans.some((s) => !before.has(s.traceId) && s.name.startsWith('graphql.operation')), 'the new trace', 10_000);
    const fresh = receiver.spans.filter((s) => !before.has(s.traceId));
    const root = fresh.find((s) => s.kind === SpanKind.SERVER && s.parentSpanId === '');
    expect(root?.attributes['http.route']).toBe('/graphql');
    expect(fresh.some((s) => String(s.attributes['url.path'] ?? s.attributes['http.target']).startsWith('/health'))).toBe(false);
  });
});

describe('a standalone subgraph process (crm main.ts) exporting http/protobuf', () => {
  it('continues the traceparent the gateway sends and exports its server, execute and SQL spans', async () => {
    const receiver = await startOtlpReceiver();
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
    delete env.JEST_WORKER_ID;
    const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'subgraphs', 'crm', 'src', 'main.ts')], {
      cwd: root,
      env: {
        ...env,
        CRM_PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_SERVICE_NAME: 'bacbos-crm',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('crm did not start in 60 s')), 60_000);
        child.once('exit', (code) => reject(new Error(`crm exited (${code})`)));
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const entry = line.startsWith('{') ? (JSON.parse(line) as { msg?: string; url?: string }) : {};
          if (entry.msg !== 'subgraph listening' || !entry.url) return;
          clearTimeout(timer);
          resolve(entry.url);
        });
      });
      const traceId = hex(16);
      const caller = anonymousCaller({ kind: 'user', tenantId: randomUUID(), userId: randomUUID(), permissions: ['*'], modules: ['crm'] });
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [CONTEXT_HEADER]: await signCallerIdentity(caller, process.env.INTERNAL_CONTEXT_SECRET!),
          traceparent: `00-${traceId}-${hex(8)}-01`,
        },
        body: JSON.stringify({ query: 'query TracedContacts { contacts(first: 1) { totalCount } }' }),
      });
      expect(await res.json()).toEqual({ data: { contacts: { totalCount: 0 } } });
      // OTLP protobuf carries ids as raw bytes and names as UTF-8: find ours in the exported bodies.
      const traceBytes = Buffer.from(traceId, 'hex');
      const ours = () => receiver.requests.filter((r) => r.path === '/v1/traces' && r.body.includes(traceBytes));
      const expected = ['bacbos-crm', 'graphql.operation TracedContacts', 'POST /graphql', 'pg.query:SELECT'];
      // The server span ends last and may come in a later batch than the SQL.
      const missing = () => expected.filter((text) => !Buffer.concat(ours().map((r) => r.body)).includes(text));
      await waitFor(() => missing().length === 0, 'the server, operation and SQL spans to be exported', 15_000).catch(() => undefined);
      expect(missing()).toEqual([]);
      expect(ours().every((r) => r.contentType === 'application/x-protobuf')).toBe(true);
    } finally {
      await stop(child);
      await receiver.close();
    }
  }, 90_000);
});

describe('when no OTEL_* variable is set', () => {
  it('does not load or start the SDK, patches nothing, and stores no trace context', async () => {
    const platform = await startTracedPlatform({});
    try {
      expect(platform).toMatchObject({ tracing: false, sdkLoaded: false, httpPatched: false });
      const tenant = await signUpTenant(platform.gatewayUrl, 'Untraced');
      const email = `untraced-${randomUUID().slice(0, 8)}@example.com`;
      const res = await gql(platform.gatewayUrl, op('crm', 'CreateContact'), { input: { firstName: 'No', lastName: 'Trace', email } }, {
        ...tenant.headers,
        traceparent: `00-${hex(16)}-${hex(8)}-01`,
      });
      expect(res.errors).toBeUndefined();
      const db = new Client({ connectionString: process.env.DATABASE_URL });
      await db.connect();
      try {
        const { rows } = await db.query('SELECT traceparent, tracestate FROM crm.outbox WHERE aggregate_id = $1', [res.data!.createContact.id]);
        expect(rows).toEqual([{ traceparent: null, tracestate: null }]);
      } finally {
        await db.end();
      }
    } finally {
      expect(await stop(platform.child)).toBe(0);
    }
  }, 120_000);
});

describe('tracingRequested (the one decision, from the standard variables)', () => {
  it.each([
    [{}, false],
    [{ OTEL_SERVICE_NAME: 'bacbos' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_TRACES_EXPORTER: 'console' }, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
    [{ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
    [{ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, false],
  ])('%j → %s', (env, expected) => {
    expect(tracingRequested(env)).toBe(expected);
  });
});

// The access log's trace id when tracing is on: the platform runs in a child process (tracing
// must start before the instrumented modules load; see tests/e2e/tracing.test.ts) with the console
// span exporter, and its stdout is read as an operator would. A request carrying a W3C traceparent
// is logged with that trace's id; one without gets the id of the trace it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(__dirname, '..', '..');
let child: ChildProcess;
let gatewayUrl: string;
const lines: Record<string, any>[] = [];

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  delete env.JEST_WORKER_ID; // the child is not a jest worker
  child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'tests', 'helpers', 'traced-platform.ts')], {
    cwd: root,
    env: { ...env, OTEL_TRACES_EXPORTER: 'console', OTEL_SERVICE_NAME: 'bacbos-access-log-test', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  gatewayUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the platform did not start in 90 s: ${stderr}`)), 90_000);
    child.once('exit', (code) => reject(new Error(`the platform exited (${code}): ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{"gatewayUrl"')) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { gatewayUrl: string }).gatewayUrl);
      } else if (line.startsWith('{"level"')) {
        lines.push(JSON.parse(line) as Record<string, any>);
      }
    });
  });
}, 100_000);
afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
});

async function accessLine(requestId: string): Promise<Record<string, any>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const line = lines.find((l) => l.component === 'access' && l.requestId === requestId);
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no access line for ${requestId}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const probe = (headers: Record<string, string>) =>
  fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: 'query TraceProbe { __typename }' }) });

it('logs the trace id of the request: the caller\'s trace when it sent a traceparent, else a new one', async () => {
  const traceId = randomBytes(16).toString('hex');
  const continued = await probe({ traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, 'x-request-id': 'traced-1' });
  expect(continued.status).toBe(200);
  expect(await accessLine('traced-1')).toMatchObject({ requestId: 'traced-1', traceId, operation: 'TraceProbe', status: 200 });

  await probe({ 'x-request-id': 'traced-2' });
  const fresh = await accessLine('traced-2');
  expect(fresh.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(fresh.traceId).not.toBe(traceId);
});

// Nothing leaves the machine unless the operator configures it. npm start's code path (embedded
// PostgreSQL, in-process bus and store) runs inside a network namespace that has only loopback,
// under `strace -f -e trace=connect`, serves a sign-up, a CRM mutation and a query, and stops on
// SIGINT. Any connect() to an address outside loopback fails the test (AF_UNIX is local; a
// refused attempt counts too: trying is the leak). Needs root (unshare -n), strace and iproute2,
// which scripts/test.sh installs.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractOperation } from '../helpers/graphql';
import { childEnv, repoRoot } from '../helpers/process';

jest.setTimeout(300_000);

/** The connect() calls of an strace log that leave loopback, one line each. */
function outsideLoopback(trace: string): string[] {
  return trace.split('\n').filter((line) => {
    if (!line.includes('connect(')) return false;
    const family = /sa_family=(AF_\w+)/.exec(line)?.[1];
    if (!family || family === 'AF_UNIX' || family === 'AF_UNSPEC') return false;
    if (family === 'AF_INET') return !/sin_addr=inet_addr\("127\.\d+\.\d+\.\d+"\)/.test(line);
    if (family === 'AF_INET6') return !/inet_pton\(AF_INET6, "(::1|::ffff:127\.\d+\.\d+\.\d+)"/.test(line);
    return true; // any other family reaching out
  });
}

const canRun = process.getuid?.() === 0 && spawnSync('strace', ['-V']).status === 0 && spawnSync('ip', ['-V']).status === 0;

// A client run inside the namespace: sign up, create a contact, list contacts; exits 1 on any error.
const CLIENT = `
const [url, signUp, create, list] = process.argv.slice(1);
const call = async (query, variables, token) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: 'Bearer ' + token } : {}) }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
};
(async () => {
  const slug = 't-' + Date.now();
  const s = await call(signUp, { input: { tenantName: 'Offline', tenantSlug: slug, email: 'o@' + slug + '.example', password: 'correct horse battery staple', firstName: 'O', lastName: 'O' } });
  const token = s.signUp.accessToken;
  await call(create, { input: { firstName: 'No', lastName: 'Leak', email: 'n@' + slug + '.example' } }, token);
  const l = await call(list, { first: 5 }, token);
  if (l.contacts.totalCount !== 1) throw new Error('expected one contact');
  console.log('CLIENT OK');
})().catch((e) => { console.error('CLIENT FAILED', e.message); process.exit(1); });
`;

// Inside the namespace: loopback up, a probe that must be caught, then the platform under strace.
const SCRIPT = `
set -euo pipefail
ip link set lo up
strace -f -e trace=connect -o "$WORK/probe.trace" node -e "require('net').connect(80, '192.0.2.1').on('error', () => {})" || true
strace -f --seccomp-bpf -e trace=connect -o "$WORK/platform.trace" node --import tsx scripts/start.ts > "$WORK/platform.out" 2>&1 &
tracer=$!
for _ in $(seq 1 240); do grep -q 'is up in' "$WORK/platform.out" && break; kill -0 $tracer 2>/dev/null || break; sleep 0.5; done
url=$(grep -o 'http://localhost:[0-9]*/graphql' "$WORK/platform.out" | head -n1)
node -e "$CLIENT" "$url" "$SIGN_UP" "$CREATE" "$LIST" > "$WORK/client.out" 2>&1 || true
kill -INT "$(pgrep -P $tracer -x node)" || true
wait $tracer || true
`;

(canRun ? test : test.skip)('npm start in a loopback-only network namespace connects to nothing outside loopback', () => {
  const work = mkdtempSync(join(tmpdir(), 'bacbos-netns-'));
  chmodSync(work, 0o755); // as root, the embedded PostgreSQL runs as another OS user
  try {
    const env = childEnv({
      WORK: work,
      BACBOS_DATA_DIR: join(work, 'data'),
      CLIENT,
      SIGN_UP: contractOperation('platform', 'SignUp'),
      CREATE: contractOperation('crm', 'CreateContact'),
      LIST: contractOperation('crm', 'Contacts'),
      // npm start's defaults: nothing configured.
      DATABASE_URL: undefined, REDIS_URL: undefined, KAFKA_BROKERS: undefined, S3_ENDPOINT: undefined, APP_DB_PASSWORD: undefined,
      INTERNAL_CONTEXT_SECRET: undefined, ACCESS_TOKEN_SECRET: undefined, APOLLO_TELEMETRY_DISABLED: undefined,
    });
    execFileSync('unshare', ['-n', '--', 'bash', '-c', SCRIPT], { cwd: repoRoot, env, stdio: 'pipe', timeout: 280_000 });
    const read = (file: string) => readFileSync(join(work, file), 'utf8');

    // The harness sees a leak when there is one.
    expect(outsideLoopback(read('probe.trace'))).toEqual([expect.stringContaining('192.0.2.1')]);
    // The platform served the client's operations and stopped cleanly.
    expect(read('platform.out')).toMatch(/BAC-BOS is up in \d+ ms/);
    expect(read('client.out')).toContain('CLIENT OK');
    expect(read('platform.out')).toMatch(/BAC-BOS stopped on SIGINT in \d+ ms/);
    const trace = read('platform.trace');
    expect(trace).toMatch(/connect\(.*127\.0\.0\.1/); // it did connect (to its own database)
    expect(outsideLoopback(trace)).toEqual([]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

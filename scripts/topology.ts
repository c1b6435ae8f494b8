// `npm run topology -- up|down|status`: the production topology on this machine, without Docker.
//
//   up      builds dist/ when it is older than the sources, starts the real services
//           (scripts/services.sh up), runs the migrate job, then starts every process of
//           scripts/processes.ts on its own from the compiled output: every subgraph and two
//           gateway instances (each consumes events in a Kafka consumer group of its own), and
//           waits until each is ready (/health/ready) and each gateway serves a query
//   status  one line per process; exits 3 when one is not running
//   down    SIGTERM to every process, SIGKILL after TOPOLOGY_STOP_TIMEOUT_MS; the shared services
//           keep running (`npm run services -- down` stops those)
//
// Each process gets exactly the variables its entry in scripts/processes.ts lists (plus PATH and
// the optional ones set in this environment), never this shell's whole environment. Service URLs
// come from this environment, else from `scripts/services.sh env`; secrets from this environment,
// else from <dir>/secrets.json (generated once, mode 600). Logs and pids: <dir>/<process>.log|pid.
//
//   TOPOLOGY_BASE_PORT  first gateway's port (default 4000); each subgraph at the offset of its
//                       port in the manifest (+1 platform, ...), the second gateway at +10
//   TOPOLOGY_DIR        logs, pids and secrets (default .data/topology)
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { DEFAULT_PORTS, setting } from '@bacbos/common';
import { build, buildIsFresh, DIST } from './build';
import { DEPLOYMENT, deployedProcess, subgraphUrlVariable, type DeployedProcess } from './processes';

const root = join(__dirname, '..');

export interface TopologyOptions {
  /** Logs, pids and secrets. */
  dir: string;
  /** The first gateway's port; the others follow (see the header). */
  basePort: number;
  /** Where service URLs, secrets and optional settings come from (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Grace period of `down` before SIGKILL. */
  stopTimeoutMs?: number;
  /** false: the service URLs in `env` are used as they are, scripts/services.sh is not run (the soak's private services). */
  startServices?: boolean;
  log?: (line: string) => void;
}

export interface Instance {
  /** `gateway-2` for the second gateway; otherwise the process name. */
  id: string;
  spec: DeployedProcess;
  port?: number;
}

/** Every process the topology runs, with its port: migrate, the subgraphs, two gateways. */
export function instances(basePort: number): Instance[] {
  const port = (spec: DeployedProcess) => (spec.defaultPort === undefined ? undefined : basePort + spec.defaultPort - DEFAULT_PORTS.gateway);
  return [
    ...DEPLOYMENT.map((spec) => ({ id: spec.name, spec, port: port(spec) })),
    { id: 'gateway-2', spec: deployedProcess('gateway'), port: basePort + 10 },
  ];
}

const servers = (basePort: number) => instances(basePort).filter((i) => i.spec.kind === 'server');

/** `export NAME='value'` lines of scripts/services.sh env, as an object. */
function servicesEnv(): Record<string, string> {
  const out = execFileSync('bash', [join(root, 'scripts', 'services.sh'), 'env'], { encoding: 'utf8' });
  return Object.fromEntries([...out.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]));
}

interface Secrets {
  INTERNAL_CONTEXT_SECRET: string;
  ACCESS_TOKEN_SECRET: string;
  APP_DB_PASSWORD: string;
}

/** Generated once into <dir>/secrets.json (mode 600), like npm start's dev secrets. */
function secrets(dir: string): Secrets {
  const file = join(dir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Secrets;
  const fresh: Secrets = {
    INTERNAL_CONTEXT_SECRET: randomBytes(32).toString('hex'),
    ACCESS_TOKEN_SECRET: randomBytes(32).toString('hex'),
    APP_DB_PASSWORD: randomBytes(24).toString('hex'),
  };
  writeFileSync(file, JSON.stringify(fresh), { mode: 0o600 });
  return fresh;
}

/** The value of every variable the topology can give a process; the instance's own port last. */
function valuesFor(options: TopologyOptions, instance: Instance, services: Record<string, string>, secret: Secrets): Record<string, string | undefined> {
  const env = options.env ?? process.env;
  const pick = (name: string) => env[name] || services[name];
  const s3 = pick('S3_ENDPOINT');
  const values: Record<string, string | undefined> = {
    NODE_ENV: env.NODE_ENV || 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: pick('DATABASE_URL'),
    REDIS_URL: pick('REDIS_URL'),
    KAFKA_BROKERS: pick('KAFKA_BROKERS'),
    S3_ENDPOINT: s3,
    S3_ACCESS_KEY: pick('S3_ACCESS_KEY'),
    S3_SECRET_KEY: pick('S3_SECRET_KEY'),
    S3_REGION: pick('S3_REGION'),
    // Clients on this machine reach the store by name, as a browser would.
    S3_PUBLIC_ENDPOINT: env.S3_PUBLIC_ENDPOINT || (s3 ? s3.replace('//127.0.0.1:', '//localhost:') : undefined),
    INTERNAL_CONTEXT_SECRET: env.INTERNAL_CONTEXT_SECRET || secret.INTERNAL_CONTEXT_SECRET,
    ACCESS_TOKEN_SECRET: env.ACCESS_TOKEN_SECRET || secret.ACCESS_TOKEN_SECRET,
    APP_DB_PASSWORD: env.APP_DB_PASSWORD || secret.APP_DB_PASSWORD,
  };
  for (const i of servers(options.basePort)) {
    if (i.spec.name !== 'gateway') values[subgraphUrlVariable(i.spec.name)] = `http://127.0.0.1:${i.port}/graphql`;
  }
  if (instance.spec.portVariable) values[instance.spec.portVariable] = String(instance.port);
  return values;
}

/** Exactly the process's variables: every required one (or an error naming it), the optional ones that are set. */
export function processEnv(options: TopologyOptions, instance: Instance, services: Record<string, string>, secret: Secrets): Record<string, string> {
  const env = options.env ?? process.env;
  const values = valuesFor(options, instance, services, secret);
  const out: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const name of instance.spec.env) {
    const value = values[name];
    if (!value) throw new Error(`topology: no value for ${name}, which ${instance.id} needs (set it in the environment)`);
    out[name] = value;
  }
  for (const name of instance.spec.optional) {
    const value = values[name] ?? env[name];
    if (value) out[name] = value;
  }
  // OpenTelemetry's standard variables configure tracing in every process alike.
  for (const [name, value] of Object.entries(env)) if (name.startsWith('OTEL_') && value) out[name] = value;
  return out;
}

const pidFile = (dir: string, id: string) => join(dir, `${id}.pid`);
const logFile = (dir: string, id: string) => join(dir, `${id}.log`);

/** The pid of the instance when it runs (the pid file's process runs our entry point). */
export function runningPid(dir: string, instance: Instance): number | undefined {
  const file = pidFile(dir, instance.id);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  try {
    process.kill(pid, 0);
    // Guards against a stale pid file whose pid now belongs to another program.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(instance.spec.entry) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function tail(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => { socket.destroy(); done(true); });
    socket.once('error', () => done(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function start(options: TopologyOptions, instance: Instance, env: Record<string, string>): ReturnType<typeof spawn> {
  const log = logFile(options.dir, instance.id);
  writeFileSync(log, `==== ${new Date().toISOString()} starting ${instance.id}\n`, { flag: 'a' });
  const fd = openSync(log, 'a');
  try {
    // Detached: the process outlives this command and gets its own process group.
    const child = spawn(process.execPath, ['--enable-source-maps', join(DIST, instance.spec.entry)], { cwd: root, env, detached: true, stdio: ['ignore', fd, fd] });
    writeFileSync(pidFile(options.dir, instance.id), `${child.pid}\n`);
    // Referenced until up() is done with it (an unreferenced child would let this command exit
    // while it still waits for the child's exit or health).
    return child;
  } finally {
    closeSync(fd);
  }
}

async function waitHealthy(options: TopologyOptions, instance: Instance, child: ReturnType<typeof spawn>, timeoutMs = 90_000): Promise<void> {
  let exited: string | undefined;
  child.once('exit', (code, signal) => { exited = `exited (${signal ?? code})`; });
  const deadline = Date.now() + timeoutMs;
  let last = 'nothing listening';
  for (;;) {
    if (exited) throw new Error(`${instance.id} ${exited}; the end of ${logFile(options.dir, instance.id)}:\n${tail(logFile(options.dir, instance.id))}`);
    try {
      const res = await fetch(`http://127.0.0.1:${instance.port}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `${res.status} ${(await res.text()).slice(0, 300)}`;
    } catch (error) {
      last = (error as Error).message; // not listening yet, or no answer within 2 s
    }
    if (Date.now() > deadline) {
      throw new Error(`${instance.id} did not become ready (/health/ready) on port ${instance.port} within ${timeoutMs / 1000} s (last answer: ${last}); the end of ${logFile(options.dir, instance.id)}:\n${tail(logFile(options.dir, instance.id))}`);
    }
    await sleep(100);
  }
}

export interface UpResult {
  gatewayUrls: string[];
  /** From the call to the first query answered by every gateway (build and services excluded). */
  firstQueryMs: number;
}

export async function up(options: TopologyOptions): Promise<UpResult> {
  const log = options.log ?? console.log;
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const all = instances(options.basePort);
  const running = all.filter((i) => runningPid(options.dir, i));
  if (running.length) throw new Error(`topology: already running (${running.map((i) => i.id).join(', ')}); see \`npm run topology -- status\`, stop with \`down\``);
  for (const i of servers(options.basePort)) {
    if (await portTaken(i.port as number)) throw new Error(`topology: port ${i.port} (${i.id}) is in use; set TOPOLOGY_BASE_PORT to use other ports`);
  }
  if (!buildIsFresh()) {
    log('topology: dist/ is older than the sources, building');
    build(log);
  }
  if (options.startServices !== false) {
    try {
      const out = execFileSync('bash', [join(root, 'scripts', 'services.sh'), 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      if (out.trim()) log(out.trim());
    } catch (error) {
      throw new Error(`topology: the services did not start:\n${(error as { stderr?: string }).stderr ?? (error as Error).message}`);
    }
  }
  const services = servicesEnv();
  const secret = secrets(options.dir);
  // Every environment first, so a missing variable stops us before anything starts.
  const envs = new Map(all.map((i) => [i.id, processEnv(options, i, services, secret)]));

  const started = Date.now();
  const [migrate, ...rest] = all;
  const job = start(options, migrate, envs.get(migrate.id) as Record<string, string>);
  const code = await new Promise<number | null>((done) => job.once('exit', (c) => done(c)));
  rmSync(pidFile(options.dir, migrate.id), { force: true });
  if (code !== 0) throw new Error(`topology: migrate failed (exit ${code}); the end of ${logFile(options.dir, migrate.id)}:\n${tail(logFile(options.dir, migrate.id))}`);
  log(`topology: migrated in ${Date.now() - started} ms`);

  const children = rest.map((i) => ({ instance: i, child: start(options, i, envs.get(i.id) as Record<string, string>) }));
  try {
    await Promise.all(children.map(({ instance, child }) => waitHealthy(options, instance, child)));
    const gatewayUrls = rest.filter((i) => i.spec.name === 'gateway').map((i) => `http://127.0.0.1:${i.port}/graphql`);
    await Promise.all(gatewayUrls.map((url) => firstQuery(url)));
    const firstQueryMs = Date.now() - started;
    for (const { instance, child } of children) log(`topology: ${instance.id.padEnd(9)} pid ${child.pid}  ${instance.port ? `http://127.0.0.1:${instance.port}` : ''}`);
    for (const { child } of children) child.unref();
    log(`topology: up, first query served ${firstQueryMs} ms after the migrate job started: ${gatewayUrls.join(' and ')}`);
    return { gatewayUrls, firstQueryMs };
  } catch (error) {
    // The failure to report is the start's: a stop that fails too must not replace it.
    await down({ ...options, log: () => {} }).catch(() => {});
    throw error;
  }
}

/**
 * Starts one server of a running topology again (after it crashed or a fault test killed it), with
 * the same variables as `up` gave it, and waits until it is ready. Returns its pid.
 */
export async function restart(options: TopologyOptions, id: string): Promise<number> {
  const instance = servers(options.basePort).find((i) => i.id === id);
  if (!instance) throw new Error(`topology: no server '${id}'`);
  if (runningPid(options.dir, instance)) throw new Error(`topology: ${id} is already running`);
  const child = start(options, instance, processEnv(options, instance, servicesEnv(), secrets(options.dir)));
  await waitHealthy(options, instance, child);
  child.unref();
  return child.pid as number;
}

/** Waits until the gateway answers a query (the subgraphs already answer /health). */
async function firstQuery(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      const body = (await res.json()) as { data?: { __typename?: string } };
      if (body.data?.__typename === 'Query') return;
      last = JSON.stringify(body);
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`topology: ${url} serves no query: ${last}`);
    await sleep(100);
  }
}

export async function down(options: TopologyOptions): Promise<void> {
  const log = options.log ?? console.log;
  const timeout = options.stopTimeoutMs ?? 15_000;
  // Gateways first, so no request reaches a subgraph that is already stopping.
  const order = instances(options.basePort).reverse();
  await Promise.all(order.filter((i) => i.spec.name === 'gateway').map((i) => stop(options.dir, i, timeout, log)));
  await Promise.all(order.filter((i) => i.spec.name !== 'gateway').map((i) => stop(options.dir, i, timeout, log)));
}

async function stop(dir: string, instance: Instance, timeoutMs: number, log: (line: string) => void): Promise<void> {
  const pid = runningPid(dir, instance);
  rmSync(pidFile(dir, instance.id), { force: true });
  if (!pid) return;
  const begun = Date.now();
  process.kill(pid, 'SIGTERM');
  while (Date.now() - begun < timeoutMs) {
    if (!alive(pid)) {
      log(`topology: ${instance.id} stopped in ${Date.now() - begun} ms`);
      return;
    }
    await sleep(50);
  }
  log(`topology: ${instance.id} did not stop within ${timeoutMs} ms after SIGTERM; SIGKILL`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // it exited meanwhile
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped by its parent) is as good as gone.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

export interface InstanceStatus {
  id: string;
  pid?: number;
  port?: number;
  healthy: boolean;
}

export async function status(options: TopologyOptions): Promise<InstanceStatus[]> {
  return Promise.all(servers(options.basePort).map(async (i) => {
    const pid = runningPid(options.dir, i);
    let healthy = false;
    if (pid) {
      try {
        healthy = (await fetch(`http://127.0.0.1:${i.port}/health/ready`, { signal: AbortSignal.timeout(2_000) })).ok;
      } catch {
        healthy = false;
      }
    }
    return { id: i.id, pid, port: i.port, healthy };
  }));
}

/** The topology's own settings, each validated by the catalog (services and secrets are per process). */
function optionsFromEnv(): TopologyOptions {
  return { dir: resolve(setting('TOPOLOGY_DIR') ?? join(root, '.data', 'topology')), basePort: setting('TOPOLOGY_BASE_PORT'), stopTimeoutMs: setting('TOPOLOGY_STOP_TIMEOUT_MS') };
}

async function main(command: string | undefined): Promise<number> {
  const options = optionsFromEnv();
  switch (command) {
    case 'up':
      await up(options);
      return 0;
    case 'down':
      await down(options);
      return 0;
    case 'status': {
      const rows = await status(options);
      for (const r of rows) console.log(`${r.id.padEnd(10)} ${r.pid ? (r.healthy ? 'running ' : 'starting') : 'stopped '} 127.0.0.1:${r.port}${r.pid ? `  pid ${r.pid}` : ''}`);
      const logs = existsSync(options.dir) ? readdirSync(options.dir).filter((f) => f.endsWith('.log')) : [];
      if (logs.length) console.log(`logs: ${options.dir}/{${logs.map((f) => f.slice(0, -4)).join(',')}}.log (${logs.reduce((n, f) => n + statSync(join(options.dir, f)).size, 0)} bytes)`);
      return rows.every((r) => r.pid) ? 0 : 3;
    }
    default:
      console.error('usage: npm run topology -- up|down|status   (TOPOLOGY_BASE_PORT, TOPOLOGY_DIR, TOPOLOGY_STOP_TIMEOUT_MS)');
      return 2;
  }
}

if (require.main === module) {
  main(process.argv[2]).then(
    (code) => process.exit(code),
    (error) => {
      console.error((error as Error).message);
      process.exit(1);
    },
  );
}

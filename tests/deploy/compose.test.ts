// docker-compose.yml and the Dockerfile against the one list of processes (scripts/processes.ts),
// read as compose reads them (YAML anchors and merge keys resolved). No Docker engine is needed:
// what a container would lack is visible in the file. The project's services are generated
// (scripts/docker-compose.ts); the checks below hold for whatever the generator writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { workspaces } from '../../scripts/build';
import { DEPLOYMENT, commandOf, type DeployedProcess } from '../../scripts/processes';
import { generatedComposeFile } from '../../scripts/docker-compose';

const root = join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | null> | string[];
  restart?: string;
  healthcheck?: { test?: string[] | string };
  ports?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
}
type Compose = { services: Record<string, Service> };

const loadCompose = (): Compose => parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
const compose = loadCompose();

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((line) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v ?? '')]));
}

/** The variables a process needs that its compose service does not set ("service: VARIABLE"). */
export function missingVariables(file: Compose, processes: readonly DeployedProcess[] = DEPLOYMENT): string[] {
  return processes.flatMap((spec) => {
    const service = file.services[spec.name];
    if (!service) return [`${spec.name}: (no service)`];
    const env = environmentOf(service);
    return spec.env.filter((name) => !(name in env)).map((name) => `${spec.name}: ${name}`);
  });
}

const projectServices = DEPLOYMENT.map((spec) => [spec.name, spec] as const);

it('has the project services the generator writes from the processes and the manifest (npm run compose:docker)', () => {
  expect(readFileSync(join(root, 'docker-compose.yml'), 'utf8')).toBe(generatedComposeFile());
});

it('generates a service for a process the manifest adds, and refuses a variable no anchor gives', () => {
  const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
  const withObjectsGone = text.replace(/^x-objects: &objects\n(?: .*\n)+/m, '');
  expect(() => generatedComposeFile(withObjectsGone)).toThrow(/no x- anchor gives office S3_ENDPOINT/);
  // Every server's service depends on exactly the infrastructure its variables name.
  const generated = parse(generatedComposeFile(), { merge: true }) as Compose;
  const kafka = ['kafka-1', 'kafka-2', 'kafka-3'];
  expect(Object.keys(generated.services.office.depends_on!)).toEqual(['postgres', ...kafka, 'minio', 'migrate']);
  expect(Object.keys(generated.services.gateway.depends_on!)).toEqual(['redis', ...kafka, ...DEPLOYMENT.filter((p) => p.kind === 'server' && p.name !== 'gateway').map((p) => p.name)]);
});

it('gives every process its service, with every variable it needs', () => {
  expect(missingVariables(compose)).toEqual([]);
});

it('fails when a service lacks a variable its process needs (the check itself)', () => {
  const broken = loadCompose();
  delete (broken.services.identity.environment as Record<string, string>).REDIS_URL;
  delete (broken.services.gateway.environment as Record<string, string>).KAFKA_BROKERS;
  expect(missingVariables(broken)).toEqual(['identity: REDIS_URL', 'gateway: KAFKA_BROKERS']);
});

it.each(projectServices)('%s sets no variable its process does not read', (name, spec) => {
  const known = new Set([...spec.env, ...spec.optional]);
  expect(Object.keys(environmentOf(compose.services[name])).filter((v) => !known.has(v))).toEqual([]);
});

it.each(projectServices)('%s runs the compiled output with node, from the project image', (name, spec) => {
  const service = compose.services[name];
  expect(service.command).toEqual(commandOf(spec));
  expect(service.build).toBeDefined();
  expect(JSON.stringify(service)).not.toMatch(/\b(npx|tsx)\b/);
});

it('runs the gateway against the subgraph services, on the ports they listen on', () => {
  const gateway = environmentOf(compose.services.gateway);
  for (const spec of DEPLOYMENT.filter((p) => p.kind === 'server' && p.name !== 'gateway')) {
    const port = environmentOf(compose.services[spec.name])[spec.portVariable!];
    expect(gateway[`${spec.name.toUpperCase()}_SUBGRAPH_URL`]).toBe(`http://${spec.name}:${port}/graphql`);
  }
});

it('checks the health of every long-running service, the project servers on their own port', () => {
  for (const [name, service] of Object.entries(compose.services)) {
    if (name === 'migrate') continue;
    expect({ name, healthcheck: Boolean(service.healthcheck?.test) }).toEqual({ name, healthcheck: true });
  }
  for (const spec of DEPLOYMENT.filter((p) => p.kind === 'server')) {
    const port = environmentOf(compose.services[spec.name])[spec.portVariable!];
    expect(JSON.stringify(compose.services[spec.name].healthcheck!.test)).toContain(`127.0.0.1:${port}/health/ready`);
  }
});

it('gives every service a restart policy and a pinned image tag', () => {
  for (const [name, service] of Object.entries(compose.services)) {
    expect({ name, restart: service.restart }).toEqual({ name, restart: expect.stringMatching(/^(unless-stopped|always|on-failure)/) });
    expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/^[\w./-]+:[\w.-]+$/) });
    expect(service.image).not.toMatch(/:latest$/);
  }
});

it('runs Kafka as three brokers of one quorum, replicating every topic to all three (an internal and an external listener each)', () => {
  const nodes = [1, 2, 3];
  for (const n of nodes) {
    const service = compose.services[`kafka-${n}`];
    const kafka = environmentOf(service);
    expect(kafka).toEqual(expect.objectContaining({
      KAFKA_NODE_ID: String(n),
      KAFKA_CONTROLLER_QUORUM_VOTERS: nodes.map((m) => `${m}@kafka-${m}:9093`).join(','),
      KAFKA_ADVERTISED_LISTENERS: `INTERNAL://kafka-${n}:9092,EXTERNAL://localhost:${29091 + n}`,
      KAFKA_DEFAULT_REPLICATION_FACTOR: '3',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3',
    }));
    expect(kafka.KAFKA_LISTENERS).toContain('EXTERNAL://:29092');
    expect(kafka.CLUSTER_ID).toMatch(/^[\w-]{22}$|^\$\{KAFKA_CLUSTER_ID:-[\w-]{22}\}$/);
    expect(service.ports).toContain(`127.0.0.1:${29091 + n}:29092`);
  }
  expect(new Set(nodes.map((n) => environmentOf(compose.services[`kafka-${n}`]).CLUSTER_ID)).size).toBe(1);
  for (const spec of DEPLOYMENT.filter((p) => p.env.includes('KAFKA_BROKERS'))) {
    expect(environmentOf(compose.services[spec.name]).KAFKA_BROKERS).toBe('kafka-1:9092,kafka-2:9092,kafka-3:9092');
    expect(Object.keys(compose.services[spec.name].depends_on ?? {})).toEqual(expect.arrayContaining(['kafka-1', 'kafka-2', 'kafka-3']));
  }
});

it('signs presigned URLs for a host the browser reaches, not the container network', () => {
  const office = environmentOf(compose.services.office);
  expect(office.S3_ENDPOINT).toBe('http://minio:9000');
  expect(office.S3_PUBLIC_ENDPOINT).not.toContain('minio');
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const instructions = dockerfile.split('\n').filter((line) => /^[A-Z]+ /.test(line));

  it('builds in stages and ships production dependencies and dist/ only', () => {
    expect(instructions.filter((l) => l.startsWith('FROM ')).length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(final.match(/^COPY .*$/gm)).toEqual([
      'COPY --from=production-dependencies /app/package.json ./',
      'COPY --from=production-dependencies /app/node_modules ./node_modules',
      'COPY --from=build /app/dist ./dist',
    ]);
    expect(final).toMatch(/^CMD \["node", .*"dist\//m);
  });

  it('runs as a user other than root, on a pinned base image', () => {
    const users = instructions.filter((l) => l.startsWith('USER '));
    expect(users.at(-1)).toMatch(/^USER (?!root\b|0\b)\w+/);
    const images = [...dockerfile.matchAll(/^ARG (NODE_\w*IMAGE)=(.*)$/gm)].map((m) => [m[1], m[2]]);
    expect(images).toEqual([['NODE_BUILD_IMAGE', expect.stringMatching(/^node:\d+\.\d+\.\d+-\w+$/)], ['NODE_IMAGE', expect.stringMatching(/^node:\d+\.\d+\.\d+-\w+-slim$/)]]);
    expect(instructions.filter((l) => l.startsWith('FROM ')).every((l) => /^FROM \$\{NODE_(BUILD_)?IMAGE\}/.test(l))).toBe(true);
  });

  it("copies every workspace's package.json into both install stages", () => {
    for (const { dir } of workspaces()) {
      expect({ dir, copies: dockerfile.split(`COPY ${dir}/package.json ${dir}/`).length - 1 }).toEqual({ dir, copies: 2 });
    }
  });
});

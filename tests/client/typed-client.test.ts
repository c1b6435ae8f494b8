// The typed client of the web apps (@bacbos/client, `npm run client`): its generated files are the
// ones the contract and the supergraph make today, its persisted manifest is the gateway's, and a
// consumer compiles against it while the mistakes the types exist to catch do not.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as client from '@bacbos/client';
import { ContactsDocument, persistedId, persistedOperations, requestBody, SignUpDocument } from '@bacbos/client';
import { buildManifest } from '../../scripts/persisted-operations';

const root = join(__dirname, '..', '..');
const consumerDir = join(__dirname, 'consumer');
const tsc = join(root, 'node_modules', '.bin', 'tsc');

function compile(project: string): { status: number | null; output: string } {
  const run = spawnSync(tsc, ['-p', project, '--noEmit', '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

it('the committed client is what the contract and the supergraph generate (npm run client:check)', () => {
  // A process of its own: GraphQL Code Generator ships ES-module dependencies jest does not load.
  const run = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/client.ts', '--check'], { cwd: root, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const contract = buildManifest().operations.map((o) => o.name);
  expect(contract.length).toBeGreaterThanOrEqual(79);
  // Every contract operation has a typed document; a pending one that does not validate is named.
  expect(run.stdout).toMatch(new RegExp(`packages/client is current \\((\\d+) typed operations\\)`));
  expect(Number(/\((\d+) typed operations\)/.exec(run.stdout)![1])).toBeGreaterThanOrEqual(contract.length);
  for (const line of run.stdout.split('\n').filter((l) => l.startsWith('client: skipped'))) expect(line).toMatch(/^client: skipped pending\//);
  const exported = Object.keys(client).filter((name) => name.endsWith('Document'));
  expect(exported.sort()).toEqual(expect.arrayContaining(contract.map((name) => `${name}Document`).sort()));
});

it("carries the gateway's persisted-operation manifest and sends an operation as its hash", () => {
  const gatewayManifest = JSON.parse(readFileSync(join(root, 'gateway', 'src', 'persisted', 'manifest.json'), 'utf8'));
  expect(persistedOperations).toEqual(gatewayManifest);
  const id = persistedId(ContactsDocument);
  expect(id).toBe(gatewayManifest.operations.find((o: { name: string }) => o.name === 'Contacts').id);
  expect(requestBody(ContactsDocument, { first: 5 })).toEqual({ operationName: 'Contacts', variables: { first: 5 }, extensions: { persistedQuery: { version: 1, sha256Hash: id } } });
  expect(requestBody(SignUpDocument, { input: { tenantName: 'A', tenantSlug: 'a', email: 'a@example.com', password: 'x'.repeat(12) } }, false).query).toMatch(/^mutation SignUp\(\$input: SignUpInput!\)/);
});

describe('a consumer compiled against the typed documents', () => {
  const negative = join(consumerDir, `negative-${process.pid}.ts`);
  const negativeProject = join(consumerDir, `tsconfig.negative-${process.pid}.json`);
  afterAll(() => {
    rmSync(negative, { force: true });
    rmSync(negativeProject, { force: true });
  });

  it('compiles, every expected mistake included (tsc fails on an unused @ts-expect-error)', () => {
    const { status, output } = compile(join(consumerDir, 'tsconfig.json'));
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('fails on each mistake once the @ts-expect-error directives are gone: a wrong variable type, a missing variable, a bad enum value, a field not selected', () => {
    const source = readFileSync(join(consumerDir, 'consumer.ts'), 'utf8').split('\n');
    const directive = /^\s*\/\/ @ts-expect-error /;
    const mistakes = source.flatMap((line, index) => (directive.test(line) ? [index + 2] : [])); // 1-based line after the directive
    expect(mistakes).toHaveLength(5);
    writeFileSync(negative, source.map((line) => (directive.test(line) ? '' : line)).join('\n'));
    writeFileSync(negativeProject, JSON.stringify({ extends: './tsconfig.json', files: [negative] }));
    const { status, output } = compile(negativeProject);
    expect(status).not.toBe(0);
    const failing = [...output.matchAll(/negative-\d+\.ts\((\d+),\d+\): error (TS\d+)/g)].map((m) => Number(m[1]));
    expect([...new Set(failing)].sort((a, b) => a - b)).toEqual(mistakes);
    // The wrong variable type is named as such.
    expect(output).toMatch(/Type 'number' is not assignable to type 'string'/);
    expect(output).toMatch(/'"NAME"' is not assignable to type 'ContactOrderField'/);
  });
});

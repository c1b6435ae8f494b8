// The configuration catalog: bad values are refused with the variable's name, the README's table is
// the catalog's, and no code reads a variable the catalog does not describe.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, PROCESSES, SETTINGS, SUBGRAPHS, deploymentVariables, setting, validateConfig } from '@bacbos/common';
import { configTable, readmeTable } from '../../scripts/config-table';

const root = join(__dirname, '..', '..');
const base = {
  DATABASE_URL: 'postgresql://u:p@db:5432/bacbos',
  APP_DB_PASSWORD: 'app-role-password',
  INTERNAL_CONTEXT_SECRET: 'i'.repeat(32),
  ACCESS_TOKEN_SECRET: 'a'.repeat(32),
};

function problemsOf(run: () => void): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('accepts a complete gateway, subgraph and migrate environment', () => {
    for (const name of PROCESSES.filter((p) => p !== 'topology')) {
      expect(problemsOf(() => validateConfig(name, { ...base }))).toEqual([]);
    }
  });

  it('refuses a bad value naming the variable instead of silently turning a limit off', () => {
    const problems = problemsOf(() => validateConfig('gateway', { ...base, GRAPHQL_MAX_DEPTH: 'abc', INTROSPECTION: 'yes', KAFKA_BROKERS: 'kafka' }));
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/^GRAPHQL_MAX_DEPTH: .*"abc"/m);
    expect(problems.join('\n')).toMatch(/INTROSPECTION/);
    expect(problems.join('\n')).toMatch(/KAFKA_BROKERS: .*"kafka" is not host:port/);
    expect(() => setting('GRAPHQL_MAX_DEPTH', { GRAPHQL_MAX_DEPTH: '0' })).toThrow(/GRAPHQL_MAX_DEPTH/);
    expect(setting('GRAPHQL_MAX_DEPTH', { GRAPHQL_MAX_DEPTH: '' })).toBe(12);
    expect(setting('TRUST_PROXY', { TRUST_PROXY: '2' })).toBe(2);
  });

  it('names what a standalone process lacks, per process', () => {
    expect(problemsOf(() => validateConfig('crm', {})).join('\n')).toMatch(/DATABASE_URL.*\n.*APP_DB_PASSWORD.*\n.*INTERNAL_CONTEXT_SECRET/);
    expect(problemsOf(() => validateConfig('gateway', { INTERNAL_CONTEXT_SECRET: 'short' })).join('\n')).toMatch(/INTERNAL_CONTEXT_SECRET: must be at least 32 characters/);
    expect(problemsOf(() => validateConfig('crm', { ...base, DATABASE_URL: undefined, CRM_DATABASE_URL: 'postgresql://u:p@crm-db/crm' }))).toEqual([]);
    expect(problemsOf(() => validateConfig('crm', { ...base, CRM_PORT: '70000' })).join()).toMatch(/CRM_PORT/);
    // npm start generates its secrets and database, so nothing is required there.
    expect(problemsOf(() => validateConfig('start', {}))).toEqual([]);
  });

  it('lists what each process needs in a deployment of separate processes', () => {
    expect(deploymentVariables('gateway')).toEqual(expect.arrayContaining(['INTERNAL_CONTEXT_SECRET', 'ACCESS_TOKEN_SECRET', 'REDIS_URL', 'KAFKA_BROKERS']));
    expect(deploymentVariables('identity')).toEqual(expect.arrayContaining(['REDIS_URL', 'KAFKA_BROKERS', 'DATABASE_URL']));
    expect(deploymentVariables('office')).toEqual(expect.arrayContaining(['S3_ENDPOINT', 'KAFKA_BROKERS']));
    expect(deploymentVariables('hr')).not.toContain('REDIS_URL');
  });

  it('README configuration table is the catalog (npm run config:readme rewrites it)', () => {
    expect(readmeTable()).toBe(configTable());
  });

  it('no code reads an environment variable the catalog does not describe', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'gateway/src', 'packages/common/src', 'subgraphs', 'scripts'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f.endsWith('.ts') && !f.includes('/generated/') && !f.endsWith('.test.ts'));
    // Read by libraries or the test harness, not by the platform's own settings.
    const outside = new Set(['NODE_ENV', 'JEST_WORKER_ID', 'CI', 'HOME', 'PATH']);
    const perProcess = new RegExp(`^(${[...SUBGRAPHS, 'gateway'].map((n) => n.toUpperCase()).join('|')})_(DATABASE_URL|APP_DATABASE_URL|PORT)$`);
    const unknown: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(/\b(?:process\.env|env)\.([A-Z][A-Z0-9_]*)/g)) {
        const name = match[1];
        if (!(name in SETTINGS) && !outside.has(name) && !name.startsWith('OTEL_') && !perProcess.test(name)) {
          unknown.push(`${file}: ${name}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  it('a standalone process with a bad value stops at start with one line naming the variable', () => {
    const cases = [
      { entry: 'gateway/src/main.ts', env: { GRAPHQL_MAX_DEPTH: 'abc' }, says: /GRAPHQL_MAX_DEPTH: [^\n]*abc/ },
      { entry: 'subgraphs/crm/src/main.ts', env: { DB_POOL_SIZE: '-1' }, says: /DB_POOL_SIZE: [^\n]*-1/ },
      { entry: 'scripts/migrate.ts', env: { LOG_LEVEL: 'loud' }, says: /LOG_LEVEL: [^\n]*loud/ },
    ];
    for (const { entry, env, says } of cases) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', entry], {
        cwd: root, encoding: 'utf8', timeout: 60_000,
        env: { PATH: process.env.PATH, ...base, LOG_LEVEL: 'info', GATEWAY_PORT: '0', CRM_PORT: '0', ...env },
      });
      expect(result.status).toBe(1);
      const output = `${result.stdout}${result.stderr}`.trim();
      expect(output.split('\n')).toHaveLength(1);
      expect(output).toMatch(says);
      expect(output).not.toMatch(/\n\s+at /);
    }
  }, 120_000);
});

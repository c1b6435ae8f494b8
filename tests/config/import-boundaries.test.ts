// One door per package and per module (eslint.config.mjs): the lint fails on an import of a sibling
// module's files, of a module's files from its subgraph's composition root, and of a package's src/
// from outside it; the doors themselves and package exports pass.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

// ESLint loads eslint.config.mjs with a dynamic import, which jest's CommonJS runtime cannot do: the
// cases are linted by ESLint's API in one child process.
const LINT = `
import { ESLint } from 'eslint';
const cases = JSON.parse(await new Promise((resolve) => { let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => resolve(s)); }));
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const { path, code } of cases) {
  const [result] = await eslint.lintText(code, { filePath: path });
  out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
}
process.stdout.write(JSON.stringify(out));
`;

interface Case {
  what: string;
  path: string;
  code: string;
  /** A fragment of the refusal's message, or null when the import is allowed. */
  refused: string | null;
}

const SIBLING = 'through its door (../<module>)';
const COMPOSITION = 'through its door (./modules/<module>)';
const BY_NAME = 'by its name (@bacbos/...)';
const BY_EXPORTS = 'by its exports';
const billing = 'subgraphs/platform/src/modules/billing/new-rule.ts';
const suite = 'tests/e2e/new-suite.test.ts';

const CASES: Case[] = [
  { what: 'a sibling module\'s file', path: billing, code: "import { lockTenant } from '../users/tenant-lock';", refused: SIBLING },
  { what: 'a sibling module\'s file by the modules/ path', path: billing, code: "import { lockTenant } from '../../modules/users/tenant-lock';", refused: SIBLING },
  { what: 'a sibling module\'s door', path: billing, code: "import { lockTenant } from '../users';", refused: null },
  { what: 'a file of its own module and the subgraph\'s shared files', path: billing, code: "import { priceOf } from './pricing';\nimport type { PlatformDb } from '../../db';", refused: null },
  { what: 'a module\'s file from the composition root', path: 'subgraphs/hr/src/context.ts', code: "import { LeaveService } from './modules/leave/leave.service';", refused: COMPOSITION },
  { what: 'a module\'s door from the composition root', path: 'subgraphs/hr/src/context.ts', code: "import { LeaveService } from './modules/leave';", refused: null },
  { what: 'a test reaching into a subgraph\'s src/', path: suite, code: "import { createCrmDb } from '../../subgraphs/crm/src/db';", refused: BY_NAME },
  { what: 'a test importing a package\'s src/ by name', path: suite, code: "import { PLANS } from '@bacbos/platform/src/modules/tenancy/plans';", refused: BY_EXPORTS },
  { what: 'a script reaching into the gateway\'s src/', path: 'scripts/new-script.ts', code: "import { startGateway } from '../gateway/src/app';", refused: BY_NAME },
  { what: 'a package reaching into another package\'s files', path: 'gateway/src/new-file.ts', code: "import { PLANS } from '../../subgraphs/platform/src/modules/tenancy/plans';", refused: BY_NAME },
  { what: 'package exports', path: suite, code: "import { createCrmDb } from '@bacbos/crm';\nimport { shutdownTracing } from '@bacbos/common/tracing';\nimport { startGateway } from '@bacbos/gateway';", refused: null },
];

let messages: string[][];
beforeAll(() => {
  const input = JSON.stringify(CASES.map((c) => ({ path: join(root, c.path), code: `${c.code}\n` })));
  messages = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', LINT], { cwd: root, input, encoding: 'utf8' }));
});

describe('the lint of imports', () => {
  it.each(CASES.map((c, i) => [c.refused ? 'refuses' : 'allows', c.what, i] as const))('%s %s', (_verdict, _what, i) => {
    const { refused } = CASES[i];
    expect(messages[i]).toEqual(refused ? [expect.stringContaining(refused)] : []);
  });
});

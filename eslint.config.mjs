// ESLint flat config: the recommended JavaScript and TypeScript rules for every workspace.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// One door per package and per module: code outside a workspace package imports it by name
// (`@bacbos/crm`, `@bacbos/common/tracing`: the `exports` of its package.json), never its src/
// files; code outside a module imports it through its index.ts (`../users`, `./modules/users`),
// never a file inside it. Tests beside the code (`*.test.ts` in src/) are inside and may.
const privatesOfPackages = [
  { regex: '^@bacbos/[^/]+/src(/|$)', message: 'Import the package by its exports (package.json "exports"), not its src/ files.' },
  { regex: '^(\\.\\./)+(gateway|subgraphs|packages)(/|$)', message: 'Import another workspace package by its name (@bacbos/...), not by a path into it.' },
];
const doorsOnly = (patterns) => ({ 'no-restricted-imports': ['error', { patterns: [...privatesOfPackages, ...patterns] }] });

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/generated/**', 'dist/**', '.data/**', 'coverage/**', 'schema/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // GraphQL responses in tests are loosely typed on purpose.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  { rules: doorsOnly([]) },
  {
    // A subgraph's composition root (index.ts, context.ts): its modules through their doors.
    files: ['subgraphs/*/src/*.ts'],
    rules: doorsOnly([{ regex: '^\\./modules/[^/]+/', message: 'Import a module through its door (./modules/<module>), not a file inside it.' }]),
  },
  {
    // Inside a module: a sibling module through its door only.
    files: ['subgraphs/*/src/modules/**/*.ts'],
    rules: doorsOnly([
      { regex: '^\\.\\./[^./][^/]*/', message: 'Import a sibling module through its door (../<module>), not a file inside it.' },
      { regex: '^(\\.\\./)+modules/', message: 'Import a sibling module through its door (../<module>), not a file inside it.' },
    ]),
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

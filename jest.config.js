/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  testMatch: ['<rootDir>/tests/**/*.test.ts', '<rootDir>/subgraphs/*/src/**/*.test.ts', '<rootDir>/gateway/src/**/*.test.ts', '<rootDir>/packages/*/src/**/*.test.ts'],
  // jose 6 and otplib's crypto dependencies ship only ES modules; jest (CommonJS here) compiles them.
  transformIgnorePatterns: ['/node_modules/(?!(jose|@scure|@noble|@otplib|otplib)/)'],
  // The compiled output (npm run build) repeats every workspace's package.json; jest uses the sources.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  setupFiles: ['<rootDir>/tests/helpers/env.ts'],
  globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.ts',
  // A platform boot (six subgraphs, their consumers joining groups on three brokers) can take over 30 s on a loaded machine.
  testTimeout: 60000,
  // Each file boots a whole platform in the test process and not all of it is garbage after
  // platform.stop() (module registries, Prisma engines): run in band, the suite's one process grew
  // to a 4 GB heap, spent ~75% of its time in GC and died of it near the end (CI, 2026-12-07).
  // With this limit jest runs the files in a worker (scripts/test.sh: --maxWorkers=1) and
  // replaces it once it holds more than this after a file.
  workerIdleMemoryLimit: '1GB',
};

#!/usr/bin/env node
// `npm start`: runs scripts/start.ts compiled (dist/, `npm run build`) when dist/ is complete and
// newer than every source, migration and schema file; otherwise the TypeScript sources through
// tsx, so a local edit always shows. Compiling on the fly at every start cost about twice the CPU
// of loading the compiled code (measured: 3.9 s against 1.8 s of CPU to load the platform).
// Plain JavaScript so that it runs with `node`, no tsx.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
// The check itself is compiled into dist/ (scripts/build-inputs.ts): a build without it predates it.
const check = join(dist, 'scripts', 'build-inputs.js');
const fresh = existsSync(join(dist, '.build-complete')) && existsSync(check) && require(check).buildIsFresh();
if (fresh) {
  // Stack traces name the TypeScript sources (tsc writes the maps beside the output).
  process.setSourceMapsEnabled(true);
  require(join(dist, 'scripts', 'start.js'));
} else {
  console.log('start-up: running the TypeScript sources through tsx (dist/ is missing or older than the sources; `npm run build` makes the next starts faster)');
  require('tsx/cjs');
  require('./start.ts');
}

#!/usr/bin/env node
// `npm run serve -- <process>`: runs one process of the deployment from the compiled output
// (dist/, `npm run build`), configured by its environment only. Processes and entry points:
// scripts/processes.ts. Plain JavaScript so that it runs with `node`, no tsx.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
const list = join(dist, 'scripts', 'processes.js');
if (!existsSync(list)) {
  console.error('serve: there is no compiled output in dist/: run `npm run build` first');
  process.exit(1);
}
const { DEPLOYMENT } = require(list);
const name = process.argv[2];
const spec = DEPLOYMENT.find((p) => p.name === name);
if (!spec) {
  console.error(`serve: name the process to run: npm run serve -- <${DEPLOYMENT.map((p) => p.name).join('|')}>`);
  process.exit(2);
}
// Stack traces name the TypeScript sources (tsc writes the maps beside the output).
process.setSourceMapsEnabled(true);
require(join(dist, spec.entry));

// `npm run build`: compiles every workspace and the scripts to CommonJS JavaScript in dist/, with
// the repository's layout, so each process runs with plain `node` (`npm run serve -- <process>`).
//
// dist/ is self-contained next to the root node_modules:
// - the TypeScript output (tsc, tsconfig.build.json), including the generated Prisma clients;
// - the files the code reads beside itself: each module's schema.graphql, the committed
//   supergraph, the SQL migrations;
// - dist/node_modules/@bacbos/<name>, linked to the compiled workspace, whose package.json points
//   `main` and `exports` at the compiled files. Node looks there first from anything under dist/, so
//   `require('@bacbos/common')` loads JavaScript while tsx, jest and tsc keep using the sources.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { BUILD_STAMP, DIST, filesUnder, root, workspaces } from './build-inputs';

export { BUILD_STAMP, DIST, buildIsFresh, newestSourceMtime, workspaces, type Workspace } from './build-inputs';

function copy(file: string): void {
  mkdirSync(dirname(join(DIST, file)), { recursive: true });
  cpSync(join(root, file), join(DIST, file));
}

export function build(log: (line: string) => void = console.log): void {
  const started = Date.now();
  rmSync(DIST, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status ?? tsc.signal})`);

  const all = workspaces();
  // Files read at run time beside the code (not TypeScript, so tsc does not emit them).
  for (const w of all) for (const file of filesUnder(`${w.dir}/src`)) if (!file.endsWith('.ts')) copy(file);
  copy('schema/supergraph.graphql');
  for (const file of filesUnder('prisma')) if (file.includes('/migrations/')) copy(file);

  for (const w of all) {
    const main = w.main.replace(/\.ts$/, '.js');
    if (!existsSync(join(DIST, w.dir, main))) throw new Error(`${w.name}: compiled entry ${w.dir}/${main} is missing`);
    const exports = Object.fromEntries(Object.entries(w.exports).map(([subpath, file]) => [subpath, file.replace(/\.ts$/, '.js')]));
    writeFileSync(join(DIST, w.dir, 'package.json'), `${JSON.stringify({ name: w.name, version: w.version, private: true, main, exports }, null, 2)}\n`);
    const link = join(DIST, 'node_modules', w.name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), join(DIST, w.dir)), link, 'dir');
  }
  writeFileSync(BUILD_STAMP, `${new Date().toISOString()}\n`);
  log(`build: dist/ ready in ${Date.now() - started} ms (${all.length} workspaces)`);
}

if (require.main === module) {
  try {
    build();
  } catch (error) {
    console.error(`build failed: ${(error as Error).message}`);
    process.exit(1);
  }
}

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
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(__dirname, '..');
export const DIST = join(root, 'dist');
/** Written last: its mtime says when the output was complete. */
export const BUILD_STAMP = join(DIST, '.build-complete');

export interface Workspace {
  dir: string;
  name: string;
  version: string;
  main: string;
  /** The package's public entry points (package.json `exports`): subpath to source file. */
  exports: Record<string, string>;
}

/** The npm workspaces of package.json, with their package names and entry points. */
export function workspaces(): Workspace[] {
  const patterns = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
  const dirs = patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(root, parent)).map((entry) => `${parent}/${entry}`);
  });
  return dirs
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; version: string; main: string; exports?: Record<string, string> };
      return { dir, name: pkg.name, version: pkg.version, main: pkg.main, exports: pkg.exports ?? { '.': `./${pkg.main}` } };
    });
}

/** Every file under `dir`, recursively (paths relative to the repository root). */
function filesUnder(dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((file) => statSync(join(root, file)).isFile());
}

function copy(file: string): void {
  mkdirSync(dirname(join(DIST, file)), { recursive: true });
  cpSync(join(root, file), join(DIST, file));
}

/** The newest modification time of any input of the build (sources, SDL, migrations, supergraph). */
export function newestSourceMtime(): number {
  const inputs = [
    ...workspaces().flatMap((w) => filesUnder(`${w.dir}/src`)),
    ...filesUnder('scripts').filter((file) => file !== 'scripts/topology.ts' && file !== 'scripts/soak.ts'),
    ...filesUnder('prisma'),
    'schema/supergraph.graphql',
    'tsconfig.build.json',
    'package.json',
  ];
  return Math.max(...inputs.map((file) => statSync(join(root, file)).mtimeMs));
}

/** True when dist/ holds a complete build newer than every input. */
export function buildIsFresh(): boolean {
  return existsSync(BUILD_STAMP) && statSync(BUILD_STAMP).mtimeMs >= newestSourceMtime();
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

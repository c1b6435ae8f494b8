// What `npm run build` (scripts/build.ts) compiles, and whether dist/ is current: shared by the
// build, the topology and `npm start` (scripts/start.cjs runs the compiled platform only when
// dist/ is complete and newer than every input). Compiled into dist/ itself, so the check runs
// without tsx.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkoutRoot } from './checkout';

export const root = checkoutRoot;
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
export function filesUnder(dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((file) => statSync(join(root, file)).isFile());
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


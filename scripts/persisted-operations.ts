// The persisted-operation manifest: every operation of the client contract
// (../shared/contract/operations/*.graphql), each printed on its own with the fragments it uses,
// under the sha256 of that text (what clients send as extensions.persistedQuery.sha256Hash).
// Written to gateway/src/persisted/manifest.json in Apollo's persisted query manifest format and
// committed; `--check` writes nothing and fails when the committed manifest is stale
// (tests/e2e/persisted-operations.test.ts runs the same check).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print, visit, type DefinitionNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';

const root = join(__dirname, '..');
export const CONTRACT_OPERATIONS_DIR = join(root, '..', 'shared', 'contract', 'operations');
export const MANIFEST_PATH = join(root, 'gateway', 'src', 'persisted', 'manifest.json');

export interface ManifestOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

/** The operation and every fragment it reaches, printed as one document. */
function standalone(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): string {
  const needed = new Map<string, FragmentDefinitionNode>();
  const reach = (node: DefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !needed.has(fragment.name.value)) {
          needed.set(fragment.name.value, fragment);
          reach(fragment);
        }
      },
    });
  reach(operation);
  return print({ kind: Kind.DOCUMENT, definitions: [operation, ...[...needed.values()].sort((a, b) => a.name.value.localeCompare(b.name.value))] });
}

export function buildManifest(dir = CONTRACT_OPERATIONS_DIR): { format: string; version: number; operations: ManifestOperation[] } {
  const operations: ManifestOperation[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort()) {
    const document = parse(readFileSync(join(dir, file), 'utf8'));
    const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
    for (const operation of document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
      if (!operation.name) throw new Error(`${file}: every contract operation needs a name`);
      const body = standalone(operation, fragments);
      operations.push({ id: createHash('sha256').update(body).digest('hex'), name: operation.name.value, type: operation.operation, body });
    }
  }
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

export const manifestText = () => `${JSON.stringify(buildManifest(), null, 2)}\n`;

export function manifestIsCurrent(): boolean {
  return existsSync(MANIFEST_PATH) && readFileSync(MANIFEST_PATH, 'utf8') === manifestText();
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    if (!manifestIsCurrent()) {
      console.error('persisted operations: gateway/src/persisted/manifest.json is stale; run `npm run persisted`');
      process.exit(1);
    }
    console.log('persisted operations: the manifest is current');
  } else {
    writeFileSync(MANIFEST_PATH, manifestText());
    console.log(`persisted operations: ${buildManifest().operations.length} operations written to gateway/src/persisted/manifest.json`);
  }
}

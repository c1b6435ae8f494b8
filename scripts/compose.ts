// Composes the supergraph from the subgraphs' SDL (each kept beside its code) and writes
// schema/subgraphs/<name>.graphql, schema/supergraph.yaml and schema/supergraph.graphql.
// With --check it writes nothing and fails when composition fails or a committed file is stale.
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type GraphQLSchema } from 'graphql';
import { checkoutRoot } from './checkout';
import { SUBGRAPH_ENTRIES } from './subgraphs';

const root = checkoutRoot;
const check = process.argv.includes('--check');

/** Each subgraph's SDL, printed from the schema given for it (a running subgraph's), else built from its modules. */
const printSubgraphs = (schemas: Partial<Record<string, GraphQLSchema>> = {}) =>
  SUBGRAPH_ENTRIES.map((s) => ({ name: s.name, url: s.productionUrl, sdl: printSubgraphSchema(schemas[s.name] ?? buildSubgraphSchema(s.modules)) }));

/**
 * The supergraph of the subgraphs' current SDL: the committed one while every subgraph's SDL is
 * the committed one (composition costs about a second of `npm start`), otherwise composed afresh,
 * so local schema edits show without a compose step. Given the running subgraphs' schemas, it
 * prints those instead of building each schema a second time.
 */
export function currentSupergraph(schemas?: Partial<Record<string, GraphQLSchema>>): string {
  const subgraphs = printSubgraphs(schemas);
  const committed = (path: string) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined);
  const supergraph = committed('schema/supergraph.graphql');
  if (supergraph && subgraphs.every((s) => committed(`schema/subgraphs/${s.name}.graphql`) === `${s.sdl.trim()}\n`)) return supergraph;
  return composeSupergraph(subgraphs).supergraph;
}

export function composeSupergraph(subgraphs = printSubgraphs()): { files: Record<string, string>; supergraph: string } {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  const files: Record<string, string> = {};
  for (const s of subgraphs) files[`schema/subgraphs/${s.name}.graphql`] = `${s.sdl.trim()}\n`;
  files['schema/supergraph.yaml'] =
    '# Composition config (rover-compatible): each subgraph, its routing URL and its SDL file.\n' +
    '# Written by `npm run compose`; the SDL files are printed from the subgraphs\' own schema files.\n' +
    'federation_version: =2.7.0\nsubgraphs:\n' +
    subgraphs.map((s) => `  ${s.name}:\n    routing_url: ${s.url}\n    schema:\n      file: ./subgraphs/${s.name}.graphql\n`).join('');
  files['schema/supergraph.graphql'] = `${result.supergraphSdl.trim()}\n`;
  return { files, supergraph: result.supergraphSdl };
}

if (require.main === module) {
  try {
    const { files } = composeSupergraph();
    const stale = Object.entries(files).filter(([path, content]) => !existsSync(join(root, path)) || readFileSync(join(root, path), 'utf8') !== content);
    if (check) {
      if (stale.length) {
        console.error(`compose: stale files (run npm run compose and commit): ${stale.map(([p]) => p).join(', ')}`);
        process.exit(1);
      }
      console.log('compose: the committed supergraph is up to date');
    } else {
      mkdirSync(join(root, 'schema/subgraphs'), { recursive: true });
      for (const [path, content] of Object.entries(files)) writeFileSync(join(root, path), content);
      console.log(`compose: wrote ${Object.keys(files).length} files (${stale.length} changed)`);
    }
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

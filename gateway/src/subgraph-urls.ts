// Where the gateway reaches each subgraph. The committed supergraph names docker-compose's hosts
// (http://crm:4002/graphql); <SUBGRAPH>_SUBGRAPH_URL (e.g. CRM_SUBGRAPH_URL) overrides one, so the
// same build runs in the native topology, behind another service discovery, or on other ports.
import { SUBGRAPHS } from '@bacbos/common';

export function subgraphUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<Record<string, string>> {
  const urls: Partial<Record<string, string>> = {};
  for (const name of SUBGRAPHS) {
    const variable = `${name.toUpperCase()}_SUBGRAPH_URL`;
    const value = env[variable];
    if (!value) continue;
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) throw new Error(`${variable} must be an http(s) URL, got "${value}"`);
    urls[name] = value;
  }
  return urls;
}

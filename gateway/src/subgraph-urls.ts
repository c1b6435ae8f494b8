// Where the gateway reaches each subgraph. The committed supergraph names docker-compose's hosts
// (http://crm:4002/graphql); <SUBGRAPH>_SUBGRAPH_URL (e.g. CRM_SUBGRAPH_URL) overrides one, so the
// same build runs in the native topology, behind another service discovery, or on other ports.
import { ConfigError, SUBGRAPHS, SUBGRAPH_SETTINGS } from '@bacbos/common';

export const subgraphUrlVariable = (name: string) => `${name.toUpperCase()}_SUBGRAPH_URL`;

export function subgraphUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<Record<string, string>> {
  const urls: Partial<Record<string, string>> = {};
  for (const name of SUBGRAPHS) {
    const variable = subgraphUrlVariable(name);
    const raw = env[variable] || undefined;
    const parsed = SUBGRAPH_SETTINGS.SUBGRAPH_URL.schema.safeParse(raw);
    if (!parsed.success) throw new ConfigError([`${variable}: must be an http(s) URL (got "${raw}")`]);
    if (parsed.data) urls[name] = parsed.data;
  }
  return urls;
}

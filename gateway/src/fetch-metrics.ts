// Times each fetch the gateway makes to a subgraph, by subgraph and client operation, and counts
// the failed ones by error code (bacbos_gateway_subgraph_fetch_*, see packages/common metrics.ts).
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { operationLabel, subgraphFetchDuration, subgraphFetchErrors } from '@bacbos/common';

type Response = { errors?: readonly { extensions?: Record<string, unknown> }[] | null };

const codeOf = (error: { extensions?: Record<string, unknown> } | undefined, fallback: string): string =>
  typeof error?.extensions?.code === 'string' ? error.extensions.code : fallback;

export async function observeSubgraphFetch<R extends Response>(subgraph: string, options: GraphQLDataSourceProcessOptions, fetch: () => Promise<R>): Promise<R> {
  // The fetch runs for a client operation that already parsed and validated.
  const clientOperation = 'incomingRequestContext' in options ? options.incomingRequestContext.operationName : undefined;
  const operation = operationLabel('gateway', clientOperation, true);
  const end = subgraphFetchDuration.startTimer({ subgraph, operation });
  try {
    const response = await fetch();
    for (const code of new Set((response.errors ?? []).map((error) => codeOf(error, 'INTERNAL_SERVER_ERROR')))) subgraphFetchErrors.inc({ subgraph, code });
    return response;
  } catch (error) {
    // A thrown fetch: the subgraph answered an HTTP error, or could not be reached at all.
    subgraphFetchErrors.inc({ subgraph, code: codeOf(error as never, 'UNREACHABLE') });
    throw error;
  } finally {
    end();
  }
}

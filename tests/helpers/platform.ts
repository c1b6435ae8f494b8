// The whole platform (five subgraphs and the gateway) in the test process, on ephemeral ports,
// against the real PostgreSQL of DATABASE_URL.
import { bootPlatform, type RunningPlatform } from '../../scripts/platform';

export type { RunningPlatform };

export function startPlatform(): Promise<RunningPlatform> {
  return bootPlatform({
    ephemeralPorts: true,
    internalContextSecret: process.env.INTERNAL_CONTEXT_SECRET as string,
    accessTokenSecret: process.env.ACCESS_TOKEN_SECRET as string,
  });
}

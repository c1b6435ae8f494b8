// Who is calling: the gateway verifies the client's credential once, then forwards the result to
// the subgraphs signed (see @bacbos/common identity.ts). The tenant always comes from the verified
// credential; no header, argument or cursor a client sends can choose it.
import type { Request } from 'express';
import { GraphQLError } from 'graphql';
import { anonymousCaller, verifyAccessToken, type CallerIdentity } from '@bacbos/common';

const unauthenticated = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export interface Credentials {
  authorization?: string | null;
  apiKey?: string | null;
  ipAddress: string | null;
  userAgent: string | null;
}

export function authenticate(req: Request, accessTokenSecret: string): Promise<CallerIdentity> {
  return authenticateCredentials(
    { authorization: req.get('authorization'), apiKey: req.get('x-api-key'), ipAddress: req.ip ?? null, userAgent: req.get('user-agent') ?? null },
    accessTokenSecret,
  );
}

/** The same rules for HTTP headers and for graphql-ws connectionParams. */
export async function authenticateCredentials(credentials: Credentials, accessTokenSecret: string): Promise<CallerIdentity> {
  const base = anonymousCaller({ ipAddress: credentials.ipAddress, userAgent: credentials.userAgent });
  const authorization = credentials.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw unauthenticated('Authorization must be "Bearer <accessToken>"');
    const claims = await verifyAccessToken(match[1], accessTokenSecret).catch(() => {
      throw unauthenticated('Invalid or expired access token');
    });
    return { ...base, kind: 'user', tenantId: claims.tenantId, userId: claims.userId, sessionId: claims.sessionId, permissions: claims.permissions, modules: claims.modules };
  }
  if (credentials.apiKey) {
    // API keys are verified by the platform's key store, which arrives with the access issue.
    throw unauthenticated('API keys are not accepted by this gateway yet');
  }
  return base;
}

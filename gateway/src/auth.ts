// Who is calling: the gateway verifies the client's credential once (AccessControl), then forwards
// the result to the subgraphs signed (see @bacbos/common identity.ts). The tenant always comes from
// the verified credential; no header, argument or cursor a client sends can choose it.
import type { Request } from 'express';
import { currentRequestId, type CallerIdentity } from '@bacbos/common';
import type { AccessControl } from './access';

export interface Credentials {
  authorization?: string | null;
  apiKey?: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  /** The request's x-request-id (honoured or generated), carried in the caller to the subgraphs. */
  requestId?: string;
}

export function credentialsOf(req: Request): Credentials {
  return { authorization: req.get('authorization'), apiKey: req.get('x-api-key'), ipAddress: req.ip ?? null, userAgent: req.get('user-agent') ?? null, requestId: currentRequestId() };
}

export function authenticate(req: Request, access: AccessControl): Promise<CallerIdentity> {
  return access.authenticate(credentialsOf(req));
}

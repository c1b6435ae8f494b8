// Internal HTTP endpoints the gateway calls (mounted under /internal, behind the subgraph gate: only
// the gateway, signing its context, reaches them; `res.locals.caller` is that verified caller).
//   POST /internal/oauth/token   the token endpoint's decision (the gateway serves POST /oauth/token
//                                and forwards the decoded form here as JSON)
//   GET /internal/oauth-client-state/:tenantId/:id   `active` or `revoked` from Postgres, for a
//                                gateway that found no entry in the shared store (credential-state.ts)
import express from 'express';
import { accessTokenSecret, isUuid, rootLogger, withTenant, type CallerIdentity, type CredentialStatus } from '@bacbos/common';
import type { IdentityDb } from '../../db';
import { clientCredentialsToken, NO_STORE } from './token-endpoint';

export function oauthRoutes(db: IdentityDb) {
  const log = rootLogger.child({ subgraph: 'identity', component: 'oauth' });
  return (router: express.Router) => {
    router.get('/oauth-client-state/:tenantId/:id', async (req, res) => {
      const { tenantId, id } = req.params;
      const client = isUuid(tenantId) && isUuid(id)
        ? await withTenant(tenantId, () => db.oAuthClient.findFirst({ where: { id, tenantId }, select: { status: true } }))
        : null;
      if (!client) return void res.status(404).json({ error: 'not_found' });
      const status: CredentialStatus = client.status === 'active' ? 'active' : 'revoked';
      res.json({ status });
    });
    router.post('/oauth/token', express.json({ limit: '16kb' }), async (req, res) => {
      const caller = res.locals.caller as CallerIdentity;
      try {
        const answer = await clientCredentialsToken(req.body, caller, { db, accessTokenSecret: accessTokenSecret() });
        res.status(answer.status).set(answer.headers).json(answer.body);
      } catch (error) {
        log.error({ err: error, requestId: caller.requestId }, 'token request failed');
        res.status(500).set(NO_STORE).json({ error: 'server_error' });
      }
    });
  };
}

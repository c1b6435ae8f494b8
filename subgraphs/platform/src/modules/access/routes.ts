// Internal HTTP endpoints the gateway calls (behind the subgraph gate: only the gateway reaches
// them): a tenant's access state, a session's status (when the shared store has none: emptied
// Redis), and API key verification.
import express from 'express';
import { isUuid, withTenant, type CredentialStatus } from '@bacbos/common';
import type { PlatformDb } from '../../db';
import { verifyApiKeySecret } from '../apikeys';
import type { ApiKeyUsageRecorder } from '../apikeys';
import { tenantState } from './access-state';

export function accessRoutes(db: PlatformDb, usage: ApiKeyUsageRecorder) {
  return (router: express.Router) => {
    router.get('/tenant-state/:id', async (req, res) => {
      const id = req.params.id;
      const tenant = /^[0-9a-f-]{36}$/i.test(id) ? await withTenant(id, () => db.tenant.findUnique({ where: { id } })) : null;
      if (!tenant) return void res.status(404).json({ error: 'not_found' });
      res.json(tenantState(tenant));
    });
    router.get('/session-state/:tenantId/:sessionId', async (req, res) => {
      const { tenantId, sessionId } = req.params;
      const session = isUuid(tenantId) && isUuid(sessionId)
        ? await withTenant(tenantId, () => db.session.findFirst({ where: { id: sessionId, tenantId }, select: { revokedAt: true } }))
        : null;
      if (!session) return void res.status(404).json({ error: 'not_found' });
      const status: CredentialStatus = session.revokedAt ? 'revoked' : 'active';
      res.json({ status });
    });
    router.post('/api-keys/verify', express.json({ limit: '4kb' }), async (req, res) => {
      const secret = typeof req.body?.secret === 'string' ? req.body.secret : '';
      const key = await verifyApiKeySecret(db, secret);
      if (!key) return void res.status(401).json({ error: 'invalid_api_key' });
      usage.record(key.apiKeyId, key.tenantId);
      res.json(key);
    });
  };
}

-- Row-level security, the second wall behind the service layer's tenant scoping: every tenant-owned
-- table of the platform schema only shows (and only accepts) rows of the tenant set for the current
-- connection in app.tenant_id. The application connects as bacbos_app, which is neither superuser
-- nor BYPASSRLS, and sets app.tenant_id on every connection checkout (packages/common/src/db.ts).
-- With no tenant set, NULLIF(...) is NULL and no row matches: a query that forgot its tenant
-- filter returns nothing. Migrations, the outbox relay and the audit ingester run as the owner.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bacbos_app') THEN
        CREATE ROLE bacbos_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA platform TO bacbos_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA platform TO bacbos_app;
REVOKE ALL ON platform._prisma_migrations FROM bacbos_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA platform TO bacbos_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA platform TO bacbos_app;
-- Tables, sequences and functions that later migrations create get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA platform GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bacbos_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA platform GRANT USAGE, SELECT ON SEQUENCES TO bacbos_app;


ALTER TABLE platform.api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.api_keys USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE platform.audit_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.audit_logs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.audit_logs USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE platform.database_instances ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.database_instances FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.database_instances USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE platform.invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.invoices USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE platform.outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.outbox USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE platform.roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.roles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.roles USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE platform.sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.sessions USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE platform.subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.subscriptions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.subscriptions USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE platform.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.tenants USING (id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE platform.user_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.user_roles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.user_roles USING (EXISTS (SELECT 1 FROM platform.roles r WHERE r.id = role_id AND r.tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK (EXISTS (SELECT 1 FROM platform.roles r WHERE r.id = role_id AND r.tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid));

ALTER TABLE platform.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.users USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);


-- The few look-ups that must cross tenants before a tenant is known (log-in by slug, refresh by
-- token hash, API key by prefix) go through these SECURITY DEFINER functions: each returns only a
-- tenant id, nothing else, so the app role never reads another tenant's rows.
CREATE FUNCTION platform.tenant_id_by_slug(p_slug text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, platform AS
$$ SELECT id FROM platform.tenants WHERE slug = p_slug $$;

CREATE FUNCTION platform.tenant_id_by_refresh_token_hash(p_hash text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, platform AS
$$ SELECT tenant_id FROM platform.sessions WHERE refresh_token_hash = p_hash OR previous_refresh_token_hash = p_hash LIMIT 1 $$;

CREATE FUNCTION platform.tenant_id_by_api_key_prefix(p_prefix text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, platform AS
$$ SELECT tenant_id FROM platform.api_keys WHERE key_prefix = p_prefix LIMIT 1 $$;

REVOKE ALL ON FUNCTION platform.tenant_id_by_slug(text), platform.tenant_id_by_refresh_token_hash(text), platform.tenant_id_by_api_key_prefix(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.tenant_id_by_slug(text), platform.tenant_id_by_refresh_token_hash(text), platform.tenant_id_by_api_key_prefix(text) TO bacbos_app;

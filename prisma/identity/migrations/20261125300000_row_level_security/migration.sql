-- Row-level security, the second wall behind the service layer's tenant scoping: every tenant-owned
-- table of the identity schema only shows (and only accepts) rows of the tenant set for the current
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

GRANT USAGE ON SCHEMA identity TO bacbos_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA identity TO bacbos_app;
REVOKE ALL ON identity._prisma_migrations FROM bacbos_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA identity TO bacbos_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA identity TO bacbos_app;
-- Tables, sequences and functions that later migrations create get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA identity GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bacbos_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA identity GRANT USAGE, SELECT ON SEQUENCES TO bacbos_app;


ALTER TABLE identity.credentials ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.credentials FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.credentials USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE identity.mfa_devices ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.mfa_devices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.mfa_devices USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE identity.oauth_clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.oauth_clients FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.oauth_clients USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE identity.oauth_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.oauth_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.oauth_tokens USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE identity.organization_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.organization_members FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.organization_members USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE identity.organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.organizations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.organizations USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE identity.outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.outbox USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);


-- The OAuth token endpoint authenticates a client before its tenant is known.
CREATE FUNCTION identity.tenant_id_by_oauth_client_id(p_client_id text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, identity AS
$$ SELECT tenant_id FROM identity.oauth_clients WHERE client_id = p_client_id $$;
REVOKE ALL ON FUNCTION identity.tenant_id_by_oauth_client_id(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION identity.tenant_id_by_oauth_client_id(text) TO bacbos_app;

-- Row-level security, the second wall behind the service layer's tenant scoping: every tenant-owned
-- table of the crm schema only shows (and only accepts) rows of the tenant set for the current
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

GRANT USAGE ON SCHEMA crm TO bacbos_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA crm TO bacbos_app;
REVOKE ALL ON crm._prisma_migrations FROM bacbos_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA crm TO bacbos_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA crm TO bacbos_app;
-- Tables, sequences and functions that later migrations create get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA crm GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bacbos_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA crm GRANT USAGE, SELECT ON SEQUENCES TO bacbos_app;


ALTER TABLE crm.contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON crm.contacts USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE crm.leads ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.leads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON crm.leads USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE crm.opportunities ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.opportunities FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON crm.opportunities USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE crm.outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON crm.outbox USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

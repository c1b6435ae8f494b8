-- Row-level security, the second wall behind the service layer's tenant scoping: every tenant-owned
-- table of the hr schema only shows (and only accepts) rows of the tenant set for the current
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

GRANT USAGE ON SCHEMA hr TO bacbos_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA hr TO bacbos_app;
REVOKE ALL ON hr._prisma_migrations FROM bacbos_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA hr TO bacbos_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA hr TO bacbos_app;
-- Tables, sequences and functions that later migrations create get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA hr GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bacbos_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA hr GRANT USAGE, SELECT ON SEQUENCES TO bacbos_app;


ALTER TABLE hr.attendance_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE hr.attendance_records FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON hr.attendance_records USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE hr.biometric_devices ENABLE ROW LEVEL SECURITY;
ALTER TABLE hr.biometric_devices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON hr.biometric_devices USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE hr.employees ENABLE ROW LEVEL SECURITY;
ALTER TABLE hr.employees FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON hr.employees USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE hr.leave_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE hr.leave_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON hr.leave_requests USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE hr.outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE hr.outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON hr.outbox USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE hr.overtime_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE hr.overtime_records FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON hr.overtime_records USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE hr.remote_work_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE hr.remote_work_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON hr.remote_work_sessions USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- The hr subgraph's own copy of who the tenant's users are, so that a user id given as input
-- (hr references platform users: an employee's user) is checked where it is written. Users belong to the
-- platform subgraph: hr never reads its tables; it keeps this replica from the platform's user
-- events (packages/common/src/directory.ts), as the office subgraph does.
CREATE TABLE hr.directory_users (
    tenant_id UUID NOT NULL,
    user_id UUID NOT NULL,
    email VARCHAR(255) NOT NULL,
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT directory_users_pkey PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX directory_users_tenant_id_idx ON hr.directory_users (tenant_id);
CREATE TRIGGER directory_users_updated_at BEFORE UPDATE ON hr.directory_users FOR EACH ROW EXECUTE FUNCTION hr.update_updated_at_column();

ALTER TABLE hr.directory_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE hr.directory_users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON hr.directory_users USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON hr.directory_users TO bacbos_app;

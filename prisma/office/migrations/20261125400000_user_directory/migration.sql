-- The office suite's own copy of who the tenant's users are (id and e-mail address), for mail
-- delivery and calendar attendees. Users belong to the platform subgraph: office never reads its
-- tables; it keeps this replica from the platform's user events (platform.user.created / .invited),
-- consumed from the event bus (subgraphs/office/src/modules/directory).
CREATE TABLE office.directory_users (
    tenant_id UUID NOT NULL,
    user_id UUID NOT NULL,
    email VARCHAR(255) NOT NULL,
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT directory_users_pkey PRIMARY KEY (tenant_id, user_id)
);
CREATE UNIQUE INDEX directory_users_tenant_id_email_key ON office.directory_users (tenant_id, email);
CREATE INDEX directory_users_tenant_id_idx ON office.directory_users (tenant_id);
CREATE INDEX directory_users_created_at_idx ON office.directory_users (created_at);
CREATE TRIGGER directory_users_updated_at BEFORE UPDATE ON office.directory_users FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

ALTER TABLE office.directory_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.directory_users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.directory_users USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON office.directory_users TO bacbos_app;

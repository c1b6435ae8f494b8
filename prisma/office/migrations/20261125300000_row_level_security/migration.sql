-- Row-level security, the second wall behind the service layer's tenant scoping: every tenant-owned
-- table of the office schema only shows (and only accepts) rows of the tenant set for the current
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

GRANT USAGE ON SCHEMA office TO bacbos_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA office TO bacbos_app;
REVOKE ALL ON office._prisma_migrations FROM bacbos_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA office TO bacbos_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA office TO bacbos_app;
-- Tables, sequences and functions that later migrations create get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA office GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bacbos_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA office GRANT USAGE, SELECT ON SEQUENCES TO bacbos_app;


ALTER TABLE office.activities ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.activities FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.activities USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.animations ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.animations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.animations USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.attachments USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.attendees ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.attendees FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.attendees USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.calendars ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.calendars FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.calendars USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.cells ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.cells FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.cells USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.chat_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.chat_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.chat_messages USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.document_collaborators ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.document_collaborators FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.document_collaborators USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.document_comments ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.document_comments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.document_comments USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.document_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.document_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.document_versions USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.documents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.documents USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.elements ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.elements FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.elements USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.email_labels ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.email_labels FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.email_labels USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.emails ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.emails FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.emails USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.events USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.file_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.file_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.file_versions USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.files ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.files FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.files USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.folders ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.folders FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.folders USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.formulas ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.formulas FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.formulas USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.mail_folders ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.mail_folders FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.mail_folders USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.mail_labels ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.mail_labels FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.mail_labels USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.mailboxes ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.mailboxes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.mailboxes USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.named_ranges ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.named_ranges FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.named_ranges USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.outbox USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.participants ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.participants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.participants USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.permissions ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.permissions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.permissions USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.presentations ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.presentations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.presentations USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.recordings ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.recordings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.recordings USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.recurring_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.recurring_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.recurring_rules USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.reminders ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.reminders FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.reminders USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.rooms ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.rooms FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.rooms USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.shares ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.shares FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.shares USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.slides ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.slides FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.slides USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.spreadsheets ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.spreadsheets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.spreadsheets USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.themes ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.themes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.themes USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE office.worksheets ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.worksheets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.worksheets USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- =============================================================================================
-- office subgraph: initial schema (seed section 4: Writer, Sheets, Drive, Mail, Calendar, Meet,
-- Slides)
--
-- The office subgraph owns every table in the `office` Postgres schema and nothing else. Users
-- and tenants live in the `platform` schema (owned by the platform subgraph): tenant_id,
-- owner_id, user_id, author_id, created_by, ... are plain UUID columns WITHOUT a foreign key,
-- because they are federation entity references. Foreign keys between office tables are real
-- (ON DELETE CASCADE for parts of an object, SET NULL for loose links such as "the folder a
-- document is filed in").
--
-- Name clashes inside the schema: drive folders are `folders`, mail folders are `mail_folders`
-- (and mail label definitions `mail_labels`, with `email_labels` linking emails to labels).
--
-- Conventions: every table has tenant_id (so row-level security can be added per table), an
-- index on tenant_id, on status (where there is one) and on its timestamp columns. Statuses
-- and other enumerations are lower-case VARCHAR(50) values guarded by a CHECK constraint (the
-- GraphQL enums VIEWER / VIEW / ACCEPTED / ... are mapped to 'viewer' / 'view' / 'accepted' /
-- ... by the resolvers). Items that can be put in the trash carry trashed_at (NULL = not
-- trashed). Append-only tables (activities, document_versions, attachments, email_labels,
-- chat_messages, outbox) have no updated_at and no trigger.
-- =============================================================================================

CREATE SCHEMA IF NOT EXISTS office;

-- Section 9: keeps updated_at current on every UPDATE (one function per schema, so each
-- subgraph owns its own database objects).
CREATE OR REPLACE FUNCTION office.update_updated_at_column()
RETURNS TRIGGER
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$;

-- ==============================================================================================
-- Drive (seed 4.3)
-- Drive comes first because documents, spreadsheets, presentations and mail attachments
-- reference its folders and files.
-- ==============================================================================================

-- folders: drive folders, a tree per tenant (parent_id NULL = top level of the owner's drive).
-- path is the '/'-joined chain of names from the top ('/Projects/2026'), maintained by the
-- service on create / rename / move. Deleting a folder deletes its sub-folders and files.
CREATE TABLE office.folders (
    id         UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    owner_id   UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    parent_id  UUID           REFERENCES office.folders (id) ON DELETE CASCADE ON UPDATE CASCADE,
    name       VARCHAR(255)   NOT NULL,
    path       TEXT           NOT NULL,
    color      VARCHAR(20),
    trashed_at TIMESTAMPTZ(6),
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT folders_not_own_parent_check CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX folders_tenant_id_idx ON office.folders (tenant_id);
CREATE INDEX folders_parent_id_idx ON office.folders (parent_id);
CREATE INDEX folders_tenant_id_owner_id_idx ON office.folders (tenant_id, owner_id);
CREATE INDEX folders_tenant_id_path_idx ON office.folders (tenant_id, path);
CREATE INDEX folders_created_at_idx ON office.folders (created_at);
CREATE INDEX folders_trashed_at_idx ON office.folders (trashed_at);
CREATE TRIGGER folders_updated_at BEFORE UPDATE ON office.folders FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- files: drive files. Bytes live in the object store under storage_key (presigned PUT / GET,
-- never through the gateway). requestUpload inserts a 'pending' row, completeUpload checks the
-- object and marks it 'ready'. size / content_type / checksum / storage_key / version describe
-- the current version; every version, including the current one, is in file_versions.
CREATE TABLE office.files (
    id                UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id         UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    owner_id          UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    folder_id         UUID           REFERENCES office.folders (id) ON DELETE CASCADE ON UPDATE CASCADE,  -- NULL = top level of the drive
    name              VARCHAR(255)   NOT NULL,
    content_type      VARCHAR(255)   NOT NULL,
    size              BIGINT         NOT NULL DEFAULT 0,  -- bytes
    checksum          VARCHAR(128),  -- e.g. 'sha256:<hex>' or the object store ETag
    storage_key       VARCHAR(1024)  NOT NULL,  -- object key of the current version
    status            VARCHAR(50)    NOT NULL DEFAULT 'pending',
    version           INTEGER        NOT NULL DEFAULT 1,  -- current version number
    upload_expires_at TIMESTAMPTZ(6),  -- expiry of the presigned upload URL of a pending upload
    uploaded_at       TIMESTAMPTZ(6),
    trashed_at        TIMESTAMPTZ(6),
    created_at        TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT files_status_check CHECK (status IN ('pending', 'ready', 'failed')),
    CONSTRAINT files_size_check CHECK (size >= 0),
    CONSTRAINT files_version_check CHECK (version >= 1)
);
CREATE INDEX files_tenant_id_idx ON office.files (tenant_id);
CREATE INDEX files_folder_id_name_idx ON office.files (folder_id, name);
CREATE INDEX files_tenant_id_owner_id_idx ON office.files (tenant_id, owner_id);
CREATE INDEX files_tenant_id_status_idx ON office.files (tenant_id, status);
CREATE INDEX files_created_at_idx ON office.files (created_at);
CREATE INDEX files_uploaded_at_idx ON office.files (uploaded_at);
CREATE INDEX files_trashed_at_idx ON office.files (trashed_at);
CREATE TRIGGER files_updated_at BEFORE UPDATE ON office.files FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- file_versions: every uploaded version of a file (uploading a file with the same name into the
-- same folder adds a version). Rows are immutable once 'ready' except for status changes.
CREATE TABLE office.file_versions (
    id           UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    file_id      UUID           NOT NULL REFERENCES office.files (id) ON DELETE CASCADE ON UPDATE CASCADE,
    version      INTEGER        NOT NULL,
    name         VARCHAR(255)   NOT NULL,  -- file name when this version was uploaded
    content_type VARCHAR(255)   NOT NULL,
    size         BIGINT         NOT NULL,  -- bytes
    checksum     VARCHAR(128),
    storage_key  VARCHAR(1024)  NOT NULL,
    status       VARCHAR(50)    NOT NULL DEFAULT 'pending',
    uploaded_by  UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    uploaded_at  TIMESTAMPTZ(6),
    created_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT file_versions_status_check CHECK (status IN ('pending', 'ready', 'failed')),
    CONSTRAINT file_versions_size_check CHECK (size >= 0),
    CONSTRAINT file_versions_version_check CHECK (version >= 1),
    CONSTRAINT file_versions_storage_key_key UNIQUE (storage_key),
    CONSTRAINT file_versions_file_id_version_key UNIQUE (file_id, version)
);
CREATE INDEX file_versions_tenant_id_idx ON office.file_versions (tenant_id);
CREATE INDEX file_versions_tenant_id_status_idx ON office.file_versions (tenant_id, status);
CREATE INDEX file_versions_created_at_idx ON office.file_versions (created_at);
CREATE INDEX file_versions_uploaded_at_idx ON office.file_versions (uploaded_at);
CREATE TRIGGER file_versions_updated_at BEFORE UPDATE ON office.file_versions FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- shares: a file or folder shared by a user, either with another user of the tenant (user_id)
-- or through a link (token_hash). Re-sharing with the same user updates the row.
CREATE TABLE office.shares (
    id         UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    file_id    UUID           REFERENCES office.files (id) ON DELETE CASCADE ON UPDATE CASCADE,
    folder_id  UUID           REFERENCES office.folders (id) ON DELETE CASCADE ON UPDATE CASCADE,
    user_id    UUID,  -- grantee, platform.users.id (federated reference, no FK); NULL for a link share
    token_hash VARCHAR(255),  -- hash of the link token of a link share
    permission VARCHAR(50)    NOT NULL DEFAULT 'view',
    shared_by  UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    expires_at TIMESTAMPTZ(6),
    revoked_at TIMESTAMPTZ(6),
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT shares_permission_check CHECK (permission IN ('view', 'edit')),
    CONSTRAINT shares_target_check CHECK (num_nonnulls(file_id, folder_id) = 1),
    CONSTRAINT shares_grantee_check CHECK (user_id IS NOT NULL OR token_hash IS NOT NULL),
    CONSTRAINT shares_token_hash_key UNIQUE (token_hash),
    CONSTRAINT shares_file_id_user_id_key UNIQUE (file_id, user_id),
    CONSTRAINT shares_folder_id_user_id_key UNIQUE (folder_id, user_id)
);
CREATE INDEX shares_tenant_id_idx ON office.shares (tenant_id);
CREATE INDEX shares_tenant_id_user_id_idx ON office.shares (tenant_id, user_id);
CREATE INDEX shares_created_at_idx ON office.shares (created_at);
CREATE INDEX shares_expires_at_idx ON office.shares (expires_at);
CREATE TRIGGER shares_updated_at BEFORE UPDATE ON office.shares FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- permissions: the effective access-control list of files and folders (folder entries apply to
-- everything below). principal is a user, an identity organization (both by id, no FK) or the
-- whole tenant. Entries created by a share are removed with it (share_id CASCADE).
CREATE TABLE office.permissions (
    id             UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    file_id        UUID           REFERENCES office.files (id) ON DELETE CASCADE ON UPDATE CASCADE,
    folder_id      UUID           REFERENCES office.folders (id) ON DELETE CASCADE ON UPDATE CASCADE,
    principal_type VARCHAR(50)    NOT NULL DEFAULT 'user',
    principal_id   UUID,  -- platform.users.id or identity.organizations.id (no FK); NULL for 'tenant'
    permission     VARCHAR(50)    NOT NULL DEFAULT 'view',
    share_id       UUID           REFERENCES office.shares (id) ON DELETE CASCADE ON UPDATE CASCADE,
    granted_by     UUID,  -- platform.users.id (federated reference, no FK)
    expires_at     TIMESTAMPTZ(6),
    created_at     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT permissions_principal_type_check CHECK (principal_type IN ('user', 'organization', 'tenant')),
    CONSTRAINT permissions_permission_check CHECK (permission IN ('view', 'edit', 'manage')),
    CONSTRAINT permissions_target_check CHECK (num_nonnulls(file_id, folder_id) = 1),
    CONSTRAINT permissions_principal_check CHECK (principal_type = 'tenant' OR principal_id IS NOT NULL),
    CONSTRAINT permissions_file_id_principal_type_principal_id_key UNIQUE (file_id, principal_type, principal_id),
    CONSTRAINT permissions_folder_id_principal_type_principal_id_key UNIQUE (folder_id, principal_type, principal_id)
);
CREATE INDEX permissions_tenant_id_idx ON office.permissions (tenant_id);
CREATE INDEX permissions_tenant_id_principal_type_principal_id_idx ON office.permissions (tenant_id, principal_type, principal_id);
CREATE INDEX permissions_share_id_idx ON office.permissions (share_id);
CREATE INDEX permissions_created_at_idx ON office.permissions (created_at);
CREATE INDEX permissions_expires_at_idx ON office.permissions (expires_at);
CREATE TRIGGER permissions_updated_at BEFORE UPDATE ON office.permissions FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- activities: drive activity feed (append-only, hence no updated_at). file_id / folder_id are
-- SET NULL when the item is deleted; target_name keeps the name it had.
CREATE TABLE office.activities (
    id          UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    actor_id    UUID,  -- platform.users.id (federated reference, no FK); NULL for system actions
    action      VARCHAR(50)    NOT NULL,
    file_id     UUID           REFERENCES office.files (id) ON DELETE SET NULL ON UPDATE CASCADE,
    folder_id   UUID           REFERENCES office.folders (id) ON DELETE SET NULL ON UPDATE CASCADE,
    target_name VARCHAR(255),  -- name of the file / folder at the time of the action
    details     JSONB          NOT NULL DEFAULT '{}'::jsonb,
    created_at  TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT activities_action_check CHECK (action IN ('create', 'upload', 'new_version', 'update', 'rename', 'move', 'copy', 'share', 'unshare', 'download', 'trash', 'restore', 'delete'))
);
CREATE INDEX activities_tenant_id_idx ON office.activities (tenant_id);
CREATE INDEX activities_tenant_id_created_at_idx ON office.activities (tenant_id, created_at);
CREATE INDEX activities_file_id_idx ON office.activities (file_id);
CREATE INDEX activities_folder_id_idx ON office.activities (folder_id);
CREATE INDEX activities_actor_id_idx ON office.activities (actor_id);

-- ==============================================================================================
-- Writer (seed 4.1)
-- ==============================================================================================

-- documents: rich-text documents. content is the editor's JSON document; version starts at 1
-- and is incremented by every edit (editDocument with a stale baseVersion is a CONFLICT).
CREATE TABLE office.documents (
    id             UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    owner_id       UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    folder_id      UUID           REFERENCES office.folders (id) ON DELETE SET NULL ON UPDATE CASCADE,
    title          VARCHAR(500)   NOT NULL,
    content        JSONB          NOT NULL DEFAULT '{}'::jsonb,
    version        INTEGER        NOT NULL DEFAULT 1,
    last_edited_by UUID,  -- platform.users.id (federated reference, no FK)
    trashed_at     TIMESTAMPTZ(6),
    created_at     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT documents_version_check CHECK (version >= 1)
);
CREATE INDEX documents_tenant_id_idx ON office.documents (tenant_id);
CREATE INDEX documents_tenant_id_owner_id_idx ON office.documents (tenant_id, owner_id);
CREATE INDEX documents_tenant_id_updated_at_idx ON office.documents (tenant_id, updated_at);
CREATE INDEX documents_folder_id_idx ON office.documents (folder_id);
CREATE INDEX documents_created_at_idx ON office.documents (created_at);
CREATE INDEX documents_trashed_at_idx ON office.documents (trashed_at);
CREATE TRIGGER documents_updated_at BEFORE UPDATE ON office.documents FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- document_versions: snapshot stored by every edit (append-only, hence no updated_at).
CREATE TABLE office.document_versions (
    id             UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    document_id    UUID           NOT NULL REFERENCES office.documents (id) ON DELETE CASCADE ON UPDATE CASCADE,
    version        INTEGER        NOT NULL,
    title          VARCHAR(500)   NOT NULL,
    content        JSONB          NOT NULL DEFAULT '{}'::jsonb,
    author_id      UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    change_summary VARCHAR(500),
    created_at     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT document_versions_document_id_version_key UNIQUE (document_id, version)
);
CREATE INDEX document_versions_tenant_id_idx ON office.document_versions (tenant_id);
CREATE INDEX document_versions_created_at_idx ON office.document_versions (created_at);

-- document_comments: comments anchored to a place in the document (anchor JSON, e.g.
-- {"from": 10, "to": 24}; NULL = whole document). parent_id makes replies.
CREATE TABLE office.document_comments (
    id          UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    document_id UUID           NOT NULL REFERENCES office.documents (id) ON DELETE CASCADE ON UPDATE CASCADE,
    parent_id   UUID           REFERENCES office.document_comments (id) ON DELETE CASCADE ON UPDATE CASCADE,
    author_id   UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    body        TEXT           NOT NULL,
    anchor      JSONB,
    resolved    BOOLEAN        NOT NULL DEFAULT FALSE,
    resolved_by UUID,  -- platform.users.id (federated reference, no FK)
    resolved_at TIMESTAMPTZ(6),
    created_at  TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);
CREATE INDEX document_comments_tenant_id_idx ON office.document_comments (tenant_id);
CREATE INDEX document_comments_document_id_created_at_idx ON office.document_comments (document_id, created_at);
CREATE INDEX document_comments_parent_id_idx ON office.document_comments (parent_id);
CREATE INDEX document_comments_created_at_idx ON office.document_comments (created_at);
CREATE TRIGGER document_comments_updated_at BEFORE UPDATE ON office.document_comments FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- document_collaborators: users a document is shared with (the owner is documents.owner_id).
CREATE TABLE office.document_collaborators (
    id          UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    document_id UUID           NOT NULL REFERENCES office.documents (id) ON DELETE CASCADE ON UPDATE CASCADE,
    user_id     UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    role        VARCHAR(50)    NOT NULL DEFAULT 'viewer',
    added_by    UUID,  -- platform.users.id (federated reference, no FK)
    created_at  TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT document_collaborators_role_check CHECK (role IN ('viewer', 'commenter', 'editor')),
    CONSTRAINT document_collaborators_document_id_user_id_key UNIQUE (document_id, user_id)
);
CREATE INDEX document_collaborators_tenant_id_idx ON office.document_collaborators (tenant_id);
CREATE INDEX document_collaborators_tenant_id_user_id_idx ON office.document_collaborators (tenant_id, user_id);
CREATE INDEX document_collaborators_created_at_idx ON office.document_collaborators (created_at);
CREATE TRIGGER document_collaborators_updated_at BEFORE UPDATE ON office.document_collaborators FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- ==============================================================================================
-- Sheets (seed 4.2)
-- ==============================================================================================

-- spreadsheets: workbooks.
CREATE TABLE office.spreadsheets (
    id         UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    owner_id   UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    folder_id  UUID           REFERENCES office.folders (id) ON DELETE SET NULL ON UPDATE CASCADE,
    title      VARCHAR(500)   NOT NULL,
    locale     VARCHAR(20)    NOT NULL DEFAULT 'en-US',  -- number / date formatting
    time_zone  VARCHAR(64)    NOT NULL DEFAULT 'UTC',
    settings   JSONB          NOT NULL DEFAULT '{}'::jsonb,
    trashed_at TIMESTAMPTZ(6),
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);
CREATE INDEX spreadsheets_tenant_id_idx ON office.spreadsheets (tenant_id);
CREATE INDEX spreadsheets_tenant_id_owner_id_idx ON office.spreadsheets (tenant_id, owner_id);
CREATE INDEX spreadsheets_tenant_id_updated_at_idx ON office.spreadsheets (tenant_id, updated_at);
CREATE INDEX spreadsheets_folder_id_idx ON office.spreadsheets (folder_id);
CREATE INDEX spreadsheets_created_at_idx ON office.spreadsheets (created_at);
CREATE INDEX spreadsheets_trashed_at_idx ON office.spreadsheets (trashed_at);
CREATE TRIGGER spreadsheets_updated_at BEFORE UPDATE ON office.spreadsheets FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- worksheets: the tabs of a spreadsheet; index is the 0-based tab position.
CREATE TABLE office.worksheets (
    id             UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    spreadsheet_id UUID           NOT NULL REFERENCES office.spreadsheets (id) ON DELETE CASCADE ON UPDATE CASCADE,
    name           VARCHAR(255)   NOT NULL,
    index          INTEGER        NOT NULL DEFAULT 0,
    row_count      INTEGER        NOT NULL DEFAULT 1000,
    column_count   INTEGER        NOT NULL DEFAULT 26,
    frozen_rows    INTEGER        NOT NULL DEFAULT 0,
    frozen_columns INTEGER        NOT NULL DEFAULT 0,
    hidden         BOOLEAN        NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT worksheets_index_check CHECK (index >= 0),
    CONSTRAINT worksheets_size_check CHECK (row_count > 0 AND column_count > 0),
    CONSTRAINT worksheets_spreadsheet_id_name_key UNIQUE (spreadsheet_id, name)
);
CREATE INDEX worksheets_tenant_id_idx ON office.worksheets (tenant_id);
CREATE INDEX worksheets_spreadsheet_id_index_idx ON office.worksheets (spreadsheet_id, index);
CREATE INDEX worksheets_created_at_idx ON office.worksheets (created_at);
CREATE TRIGGER worksheets_updated_at BEFORE UPDATE ON office.worksheets FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- cells: only non-empty cells are stored (a cell set with neither value nor formula is deleted).
-- row / column are 0-based. value is the literal input, or the last computed result of formula.
CREATE TABLE office.cells (
    id           UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    worksheet_id UUID           NOT NULL REFERENCES office.worksheets (id) ON DELETE CASCADE ON UPDATE CASCADE,
    "row"        INTEGER        NOT NULL,
    "column"     INTEGER        NOT NULL,
    value        TEXT,
    formula      TEXT,  -- e.g. '=SUM(A1:A3)'
    value_type   VARCHAR(20),  -- type of value; NULL = infer
    format       JSONB          NOT NULL DEFAULT '{}'::jsonb,  -- number format, font, colours, alignment
    updated_by   UUID,  -- platform.users.id (federated reference, no FK)
    created_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT cells_value_type_check CHECK (value_type IN ('string', 'number', 'boolean', 'date', 'error')),
    CONSTRAINT cells_position_check CHECK ("row" >= 0 AND "column" >= 0),
    CONSTRAINT cells_worksheet_id_row_column_key UNIQUE (worksheet_id, "row", "column")
);
CREATE INDEX cells_tenant_id_idx ON office.cells (tenant_id);
CREATE INDEX cells_created_at_idx ON office.cells (created_at);
CREATE TRIGGER cells_updated_at BEFORE UPDATE ON office.cells FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- formulas: dependency data of formula cells (one row per cell with a formula), used to find
-- and recalculate the formulas that read a changed range.
CREATE TABLE office.formulas (
    id           UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    worksheet_id UUID           NOT NULL REFERENCES office.worksheets (id) ON DELETE CASCADE ON UPDATE CASCADE,
    cell_id      UUID           NOT NULL REFERENCES office.cells (id) ON DELETE CASCADE ON UPDATE CASCADE,
    expression   TEXT           NOT NULL,  -- normalised formula text
    dependencies JSONB          NOT NULL DEFAULT '[]'::jsonb,  -- ranges read: [{"worksheetId","fromRow","fromColumn","toRow","toColumn"}]
    volatile     BOOLEAN        NOT NULL DEFAULT FALSE,  -- uses NOW(), RAND(), ...: recalculated on every change
    error        VARCHAR(255),  -- last evaluation error, e.g. '#REF!'
    evaluated_at TIMESTAMPTZ(6),
    created_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT formulas_cell_id_key UNIQUE (cell_id)
);
CREATE INDEX formulas_tenant_id_idx ON office.formulas (tenant_id);
CREATE INDEX formulas_worksheet_id_idx ON office.formulas (worksheet_id);
CREATE INDEX formulas_created_at_idx ON office.formulas (created_at);
CREATE INDEX formulas_evaluated_at_idx ON office.formulas (evaluated_at);
CREATE TRIGGER formulas_updated_at BEFORE UPDATE ON office.formulas FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- named_ranges: workbook-scoped names for a cell range of one worksheet (unique per spreadsheet).
-- range is the CellRange {"fromRow","fromColumn","toRow","toColumn"} (0-based, inclusive).
CREATE TABLE office.named_ranges (
    id             UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    spreadsheet_id UUID           NOT NULL REFERENCES office.spreadsheets (id) ON DELETE CASCADE ON UPDATE CASCADE,
    worksheet_id   UUID           NOT NULL REFERENCES office.worksheets (id) ON DELETE CASCADE ON UPDATE CASCADE,
    name           VARCHAR(255)   NOT NULL,
    range          JSONB          NOT NULL,
    created_by     UUID,  -- platform.users.id (federated reference, no FK)
    created_at     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT named_ranges_range_check CHECK (jsonb_typeof(range) = 'object'),
    CONSTRAINT named_ranges_spreadsheet_id_name_key UNIQUE (spreadsheet_id, name)
);
CREATE INDEX named_ranges_tenant_id_idx ON office.named_ranges (tenant_id);
CREATE INDEX named_ranges_worksheet_id_idx ON office.named_ranges (worksheet_id);
CREATE INDEX named_ranges_created_at_idx ON office.named_ranges (created_at);
CREATE TRIGGER named_ranges_updated_at BEFORE UPDATE ON office.named_ranges FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- ==============================================================================================
-- Mail (seed 4.4)
-- ==============================================================================================

-- mailboxes: a user's mailbox (one per user and tenant); address is stored lower-case.
CREATE TABLE office.mailboxes (
    id           UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    user_id      UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    address      VARCHAR(255)   NOT NULL,
    display_name VARCHAR(255),
    signature    TEXT,
    status       VARCHAR(50)    NOT NULL DEFAULT 'active',
    quota_bytes  BIGINT,  -- NULL = the tenant's plan limit
    used_bytes   BIGINT         NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT mailboxes_status_check CHECK (status IN ('active', 'suspended', 'disabled')),
    CONSTRAINT mailboxes_tenant_id_address_key UNIQUE (tenant_id, address),
    CONSTRAINT mailboxes_tenant_id_user_id_key UNIQUE (tenant_id, user_id)
);
CREATE INDEX mailboxes_tenant_id_idx ON office.mailboxes (tenant_id);
CREATE INDEX mailboxes_tenant_id_status_idx ON office.mailboxes (tenant_id, status);
CREATE INDEX mailboxes_created_at_idx ON office.mailboxes (created_at);
CREATE TRIGGER mailboxes_updated_at BEFORE UPDATE ON office.mailboxes FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- mail_folders: folders of a mailbox. The system folders (inbox, sent, drafts, trash, spam,
-- archive) exist at most once per mailbox; unread / total counts are computed from emails.
CREATE TABLE office.mail_folders (
    id         UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    mailbox_id UUID           NOT NULL REFERENCES office.mailboxes (id) ON DELETE CASCADE ON UPDATE CASCADE,
    parent_id  UUID           REFERENCES office.mail_folders (id) ON DELETE CASCADE ON UPDATE CASCADE,
    name       VARCHAR(255)   NOT NULL,
    kind       VARCHAR(50)    NOT NULL DEFAULT 'custom',
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT mail_folders_kind_check CHECK (kind IN ('inbox', 'sent', 'drafts', 'trash', 'spam', 'archive', 'custom')),
    CONSTRAINT mail_folders_mailbox_id_name_key UNIQUE (mailbox_id, name)
);
CREATE UNIQUE INDEX mail_folders_mailbox_id_kind_key ON office.mail_folders (mailbox_id, kind) WHERE kind <> 'custom';
CREATE INDEX mail_folders_tenant_id_idx ON office.mail_folders (tenant_id);
CREATE INDEX mail_folders_parent_id_idx ON office.mail_folders (parent_id);
CREATE INDEX mail_folders_created_at_idx ON office.mail_folders (created_at);
CREATE TRIGGER mail_folders_updated_at BEFORE UPDATE ON office.mail_folders FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- mail_labels: label definitions of a mailbox (name unique per mailbox).
CREATE TABLE office.mail_labels (
    id         UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    mailbox_id UUID           NOT NULL REFERENCES office.mailboxes (id) ON DELETE CASCADE ON UPDATE CASCADE,
    name       VARCHAR(100)   NOT NULL,
    color      VARCHAR(20),  -- e.g. '#1a73e8'
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT mail_labels_mailbox_id_name_key UNIQUE (mailbox_id, name)
);
CREATE INDEX mail_labels_tenant_id_idx ON office.mail_labels (tenant_id);
CREATE INDEX mail_labels_created_at_idx ON office.mail_labels (created_at);
CREATE TRIGGER mail_labels_updated_at BEFORE UPDATE ON office.mail_labels FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- emails: one row per copy of a message in a mailbox. sendEmail stores the sender's copy in
-- 'sent' and a copy in the 'inbox' of each recipient of the same tenant (same message_id).
CREATE TABLE office.emails (
    id            UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    mailbox_id    UUID           NOT NULL REFERENCES office.mailboxes (id) ON DELETE CASCADE ON UPDATE CASCADE,
    folder_id     UUID           NOT NULL REFERENCES office.mail_folders (id) ON DELETE CASCADE ON UPDATE CASCADE,
    message_id    VARCHAR(998),  -- RFC 5322 Message-ID
    thread_id     UUID,  -- conversation id (no FK)
    in_reply_to   VARCHAR(998),  -- Message-ID this one replies to
    sender_id     UUID,  -- platform.users.id (federated reference, no FK); NULL for external mail
    from_address  VARCHAR(255)   NOT NULL,
    from_name     VARCHAR(255),
    to_addresses  TEXT[]         NOT NULL DEFAULT ARRAY[]::TEXT[],
    cc_addresses  TEXT[]         NOT NULL DEFAULT ARRAY[]::TEXT[],
    bcc_addresses TEXT[]         NOT NULL DEFAULT ARRAY[]::TEXT[],  -- kept on the sender's copy only
    reply_to      VARCHAR(255),
    subject       VARCHAR(998)   NOT NULL DEFAULT '',
    body_text     TEXT,
    body_html     TEXT,
    snippet       VARCHAR(255),  -- start of the text body for lists
    read          BOOLEAN        NOT NULL DEFAULT FALSE,
    starred       BOOLEAN        NOT NULL DEFAULT FALSE,
    status        VARCHAR(50)    NOT NULL DEFAULT 'received',
    size_bytes    BIGINT         NOT NULL DEFAULT 0,
    headers       JSONB          NOT NULL DEFAULT '{}'::jsonb,
    sent_at       TIMESTAMPTZ(6),
    received_at   TIMESTAMPTZ(6),
    created_at    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT emails_status_check CHECK (status IN ('draft', 'queued', 'sent', 'received', 'failed'))
);
CREATE INDEX emails_tenant_id_idx ON office.emails (tenant_id);
CREATE INDEX emails_folder_id_sent_at_idx ON office.emails (folder_id, sent_at);
CREATE INDEX emails_folder_id_read_idx ON office.emails (folder_id, read);
CREATE INDEX emails_mailbox_id_thread_id_idx ON office.emails (mailbox_id, thread_id);
CREATE INDEX emails_tenant_id_message_id_idx ON office.emails (tenant_id, message_id);
CREATE INDEX emails_tenant_id_status_idx ON office.emails (tenant_id, status);
CREATE INDEX emails_sent_at_idx ON office.emails (sent_at);
CREATE INDEX emails_received_at_idx ON office.emails (received_at);
CREATE INDEX emails_created_at_idx ON office.emails (created_at);
CREATE TRIGGER emails_updated_at BEFORE UPDATE ON office.emails FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- attachments: files attached to an email copy (immutable, hence no updated_at). file_id is the
-- drive file it was attached from (SET NULL if that file is deleted; storage_key keeps the bytes).
CREATE TABLE office.attachments (
    id           UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    email_id     UUID           NOT NULL REFERENCES office.emails (id) ON DELETE CASCADE ON UPDATE CASCADE,
    file_id      UUID           REFERENCES office.files (id) ON DELETE SET NULL ON UPDATE CASCADE,
    name         VARCHAR(255)   NOT NULL,
    content_type VARCHAR(255)   NOT NULL,
    size         BIGINT         NOT NULL DEFAULT 0,  -- bytes
    storage_key  VARCHAR(1024)  NOT NULL,
    content_id   VARCHAR(255),  -- Content-ID of an inline attachment
    inline       BOOLEAN        NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT attachments_size_check CHECK (size >= 0)
);
CREATE INDEX attachments_tenant_id_idx ON office.attachments (tenant_id);
CREATE INDEX attachments_email_id_idx ON office.attachments (email_id);
CREATE INDEX attachments_file_id_idx ON office.attachments (file_id);
CREATE INDEX attachments_created_at_idx ON office.attachments (created_at);

-- email_labels: which labels an email carries (immutable link rows, hence no updated_at).
CREATE TABLE office.email_labels (
    id         UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    email_id   UUID           NOT NULL REFERENCES office.emails (id) ON DELETE CASCADE ON UPDATE CASCADE,
    label_id   UUID           NOT NULL REFERENCES office.mail_labels (id) ON DELETE CASCADE ON UPDATE CASCADE,
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT email_labels_email_id_label_id_key UNIQUE (email_id, label_id)
);
CREATE INDEX email_labels_tenant_id_idx ON office.email_labels (tenant_id);
CREATE INDEX email_labels_label_id_idx ON office.email_labels (label_id);
CREATE INDEX email_labels_created_at_idx ON office.email_labels (created_at);

-- ==============================================================================================
-- Meet (seed 4.6)
-- Meet comes before Calendar because an event can carry a meeting room.
-- ==============================================================================================

-- rooms: video meeting rooms. join_code is globally unique (it is typed or put in links).
CREATE TABLE office.rooms (
    id               UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    created_by       UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    name             VARCHAR(255)   NOT NULL,
    join_code        VARCHAR(32)    NOT NULL,
    status           VARCHAR(50)    NOT NULL DEFAULT 'open',
    settings         JSONB          NOT NULL DEFAULT '{}'::jsonb,  -- waiting room, mute on join, ...
    max_participants INTEGER,
    started_at       TIMESTAMPTZ(6),  -- first join of the current meeting
    ended_at         TIMESTAMPTZ(6),
    created_at       TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT rooms_status_check CHECK (status IN ('open', 'closed', 'archived')),
    CONSTRAINT rooms_join_code_key UNIQUE (join_code)
);
CREATE INDEX rooms_tenant_id_idx ON office.rooms (tenant_id);
CREATE INDEX rooms_tenant_id_status_idx ON office.rooms (tenant_id, status);
CREATE INDEX rooms_tenant_id_created_by_idx ON office.rooms (tenant_id, created_by);
CREATE INDEX rooms_created_at_idx ON office.rooms (created_at);
CREATE INDEX rooms_started_at_idx ON office.rooms (started_at);
CREATE TRIGGER rooms_updated_at BEFORE UPDATE ON office.rooms FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- participants: who is or was in a room; left_at NULL = present. Rejoining reuses the row
-- (joined_at set again, left_at cleared).
CREATE TABLE office.participants (
    id           UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    room_id      UUID           NOT NULL REFERENCES office.rooms (id) ON DELETE CASCADE ON UPDATE CASCADE,
    user_id      UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    display_name VARCHAR(255),
    role         VARCHAR(50)    NOT NULL DEFAULT 'attendee',
    joined_at    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    left_at      TIMESTAMPTZ(6),
    created_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT participants_role_check CHECK (role IN ('host', 'cohost', 'attendee')),
    CONSTRAINT participants_left_at_check CHECK (left_at IS NULL OR left_at >= joined_at),
    CONSTRAINT participants_room_id_user_id_key UNIQUE (room_id, user_id)
);
CREATE INDEX participants_tenant_id_idx ON office.participants (tenant_id);
CREATE INDEX participants_tenant_id_user_id_idx ON office.participants (tenant_id, user_id);
CREATE INDEX participants_joined_at_idx ON office.participants (joined_at);
CREATE INDEX participants_left_at_idx ON office.participants (left_at);
CREATE INDEX participants_created_at_idx ON office.participants (created_at);
CREATE TRIGGER participants_updated_at BEFORE UPDATE ON office.participants FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- recordings: meeting recordings; the media lives in the object store under storage_key.
CREATE TABLE office.recordings (
    id               UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    room_id          UUID           NOT NULL REFERENCES office.rooms (id) ON DELETE CASCADE ON UPDATE CASCADE,
    started_by       UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    status           VARCHAR(50)    NOT NULL DEFAULT 'recording',
    started_at       TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    ended_at         TIMESTAMPTZ(6),
    duration_seconds INTEGER,
    storage_key      VARCHAR(1024),
    content_type     VARCHAR(255),
    size             BIGINT,  -- bytes
    created_at       TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT recordings_status_check CHECK (status IN ('recording', 'processing', 'ready', 'failed')),
    CONSTRAINT recordings_duration_check CHECK (duration_seconds IS NULL OR duration_seconds >= 0)
);
CREATE INDEX recordings_tenant_id_idx ON office.recordings (tenant_id);
CREATE INDEX recordings_room_id_started_at_idx ON office.recordings (room_id, started_at);
CREATE INDEX recordings_tenant_id_status_idx ON office.recordings (tenant_id, status);
CREATE INDEX recordings_started_at_idx ON office.recordings (started_at);
CREATE INDEX recordings_created_at_idx ON office.recordings (created_at);
CREATE TRIGGER recordings_updated_at BEFORE UPDATE ON office.recordings FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- chat_messages: in-meeting chat (append-only, hence no updated_at).
CREATE TABLE office.chat_messages (
    id         UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    room_id    UUID           NOT NULL REFERENCES office.rooms (id) ON DELETE CASCADE ON UPDATE CASCADE,
    sender_id  UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    body       TEXT           NOT NULL,
    sent_at    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT chat_messages_body_check CHECK (char_length(body) > 0)
);
CREATE INDEX chat_messages_tenant_id_idx ON office.chat_messages (tenant_id);
CREATE INDEX chat_messages_room_id_sent_at_idx ON office.chat_messages (room_id, sent_at);
CREATE INDEX chat_messages_sent_at_idx ON office.chat_messages (sent_at);
CREATE INDEX chat_messages_created_at_idx ON office.chat_messages (created_at);

-- ==============================================================================================
-- Calendar (seed 4.5)
-- ==============================================================================================

-- calendars: a user's calendars; at most one default calendar per user (the target of
-- createEvent without calendarId).
CREATE TABLE office.calendars (
    id          UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    owner_id    UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    name        VARCHAR(255)   NOT NULL,
    description TEXT,
    color       VARCHAR(20),
    time_zone   VARCHAR(64)    NOT NULL DEFAULT 'UTC',
    is_default  BOOLEAN        NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX calendars_tenant_id_owner_id_default_key ON office.calendars (tenant_id, owner_id) WHERE is_default;
CREATE INDEX calendars_tenant_id_idx ON office.calendars (tenant_id);
CREATE INDEX calendars_tenant_id_owner_id_idx ON office.calendars (tenant_id, owner_id);
CREATE INDEX calendars_created_at_idx ON office.calendars (created_at);
CREATE TRIGGER calendars_updated_at BEFORE UPDATE ON office.calendars FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- events: calendar events. A recurring event is one row whose recurrence holds the RFC 5545
-- RRULE ('FREQ=WEEKLY;BYDAY=MO;COUNT=10'); occurrences are expanded at query time from
-- starts_at / ends_at (the first occurrence) in time_zone.
CREATE TABLE office.events (
    id           UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    calendar_id  UUID           NOT NULL REFERENCES office.calendars (id) ON DELETE CASCADE ON UPDATE CASCADE,
    organizer_id UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    room_id      UUID           REFERENCES office.rooms (id) ON DELETE SET NULL ON UPDATE CASCADE,  -- meeting room of an online event
    title        VARCHAR(500)   NOT NULL,
    description  TEXT,
    location     VARCHAR(500),
    starts_at    TIMESTAMPTZ(6) NOT NULL,
    ends_at      TIMESTAMPTZ(6) NOT NULL,
    all_day      BOOLEAN        NOT NULL DEFAULT FALSE,
    time_zone    VARCHAR(64)    NOT NULL DEFAULT 'UTC',
    recurrence   TEXT,  -- RRULE text; NULL = single event
    status       VARCHAR(50)    NOT NULL DEFAULT 'confirmed',
    created_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT events_status_check CHECK (status IN ('confirmed', 'tentative', 'cancelled')),
    CONSTRAINT events_time_range_check CHECK (ends_at >= starts_at)
);
CREATE INDEX events_tenant_id_idx ON office.events (tenant_id);
CREATE INDEX events_calendar_id_starts_at_idx ON office.events (calendar_id, starts_at);
CREATE INDEX events_tenant_id_starts_at_idx ON office.events (tenant_id, starts_at);
CREATE INDEX events_tenant_id_organizer_id_idx ON office.events (tenant_id, organizer_id);
CREATE INDEX events_tenant_id_status_idx ON office.events (tenant_id, status);
CREATE INDEX events_room_id_idx ON office.events (room_id);
CREATE INDEX events_ends_at_idx ON office.events (ends_at);
CREATE INDEX events_created_at_idx ON office.events (created_at);
CREATE TRIGGER events_updated_at BEFORE UPDATE ON office.events FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- recurring_rules: the parsed form of an event's RRULE (one per recurring event), for
-- expansion; last_occurrence_at (NULL = repeats forever) lets agenda queries skip ended series.
CREATE TABLE office.recurring_rules (
    id                 UUID             PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id          UUID             NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    event_id           UUID             NOT NULL REFERENCES office.events (id) ON DELETE CASCADE ON UPDATE CASCADE,
    rrule              TEXT             NOT NULL,
    frequency          VARCHAR(50)      NOT NULL,
    "interval"         INTEGER          NOT NULL DEFAULT 1,
    count              INTEGER,
    until              TIMESTAMPTZ(6),
    by_day             TEXT[]           NOT NULL DEFAULT ARRAY[]::TEXT[],  -- e.g. {MO,WE} or {1FR,-1SU}
    by_month_day       INTEGER[]        NOT NULL DEFAULT ARRAY[]::INTEGER[],
    by_month           INTEGER[]        NOT NULL DEFAULT ARRAY[]::INTEGER[],
    week_start         VARCHAR(2)       NOT NULL DEFAULT 'MO',
    exdates            TIMESTAMPTZ(6)[] NOT NULL DEFAULT ARRAY[]::TIMESTAMPTZ[],  -- cancelled occurrences (EXDATE)
    last_occurrence_at TIMESTAMPTZ(6),
    created_at         TIMESTAMPTZ(6)   NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ(6)   NOT NULL DEFAULT now(),
    CONSTRAINT recurring_rules_frequency_check CHECK (frequency IN ('secondly', 'minutely', 'hourly', 'daily', 'weekly', 'monthly', 'yearly')),
    CONSTRAINT recurring_rules_interval_check CHECK ("interval" >= 1),
    CONSTRAINT recurring_rules_count_check CHECK (count IS NULL OR count >= 1),
    CONSTRAINT recurring_rules_event_id_key UNIQUE (event_id)
);
CREATE INDEX recurring_rules_tenant_id_idx ON office.recurring_rules (tenant_id);
CREATE INDEX recurring_rules_last_occurrence_at_idx ON office.recurring_rules (last_occurrence_at);
CREATE INDEX recurring_rules_until_idx ON office.recurring_rules (until);
CREATE INDEX recurring_rules_created_at_idx ON office.recurring_rules (created_at);
CREATE TRIGGER recurring_rules_updated_at BEFORE UPDATE ON office.recurring_rules FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- attendees: invitees of an event by e-mail; user_id is set when the address belongs to a user
-- of the tenant.
CREATE TABLE office.attendees (
    id           UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    event_id     UUID           NOT NULL REFERENCES office.events (id) ON DELETE CASCADE ON UPDATE CASCADE,
    email        VARCHAR(255)   NOT NULL,
    user_id      UUID,  -- platform.users.id (federated reference, no FK)
    name         VARCHAR(255),
    role         VARCHAR(50)    NOT NULL DEFAULT 'required',
    status       VARCHAR(50)    NOT NULL DEFAULT 'needs_action',
    responded_at TIMESTAMPTZ(6),
    created_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT attendees_role_check CHECK (role IN ('chair', 'required', 'optional')),
    CONSTRAINT attendees_status_check CHECK (status IN ('needs_action', 'accepted', 'declined', 'tentative')),
    CONSTRAINT attendees_event_id_email_key UNIQUE (event_id, email)
);
CREATE INDEX attendees_tenant_id_idx ON office.attendees (tenant_id);
CREATE INDEX attendees_tenant_id_user_id_idx ON office.attendees (tenant_id, user_id);
CREATE INDEX attendees_tenant_id_email_idx ON office.attendees (tenant_id, email);
CREATE INDEX attendees_tenant_id_status_idx ON office.attendees (tenant_id, status);
CREATE INDEX attendees_created_at_idx ON office.attendees (created_at);
CREATE TRIGGER attendees_updated_at BEFORE UPDATE ON office.attendees FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- reminders: notifications minutes_before the start of an event (of each occurrence).
CREATE TABLE office.reminders (
    id             UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    event_id       UUID           NOT NULL REFERENCES office.events (id) ON DELETE CASCADE ON UPDATE CASCADE,
    user_id        UUID,  -- platform.users.id (federated reference, no FK); NULL = for every attendee
    minutes_before INTEGER        NOT NULL,
    method         VARCHAR(50)    NOT NULL DEFAULT 'popup',
    created_at     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT reminders_method_check CHECK (method IN ('popup', 'email')),
    CONSTRAINT reminders_minutes_before_check CHECK (minutes_before >= 0)
);
CREATE INDEX reminders_tenant_id_idx ON office.reminders (tenant_id);
CREATE INDEX reminders_event_id_idx ON office.reminders (event_id);
CREATE INDEX reminders_created_at_idx ON office.reminders (created_at);
CREATE TRIGGER reminders_updated_at BEFORE UPDATE ON office.reminders FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- ==============================================================================================
-- Slides (seed 4.7)
-- ==============================================================================================

-- themes: presentation themes of the tenant (built-in ones are seeded per tenant).
CREATE TABLE office.themes (
    id          UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    name        VARCHAR(255)   NOT NULL,
    description TEXT,
    colors      JSONB          NOT NULL DEFAULT '{}'::jsonb,
    fonts       JSONB          NOT NULL DEFAULT '{}'::jsonb,
    background  JSONB          NOT NULL DEFAULT '{}'::jsonb,
    is_builtin  BOOLEAN        NOT NULL DEFAULT FALSE,
    created_by  UUID,  -- platform.users.id (federated reference, no FK)
    created_at  TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT themes_tenant_id_name_key UNIQUE (tenant_id, name)
);
CREATE INDEX themes_tenant_id_idx ON office.themes (tenant_id);
CREATE INDEX themes_created_at_idx ON office.themes (created_at);
CREATE TRIGGER themes_updated_at BEFORE UPDATE ON office.themes FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- presentations: slide decks.
CREATE TABLE office.presentations (
    id           UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    owner_id     UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    folder_id    UUID           REFERENCES office.folders (id) ON DELETE SET NULL ON UPDATE CASCADE,
    theme_id     UUID           REFERENCES office.themes (id) ON DELETE SET NULL ON UPDATE CASCADE,
    title        VARCHAR(500)   NOT NULL,
    aspect_ratio VARCHAR(10)    NOT NULL DEFAULT '16:9',
    trashed_at   TIMESTAMPTZ(6),
    created_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);
CREATE INDEX presentations_tenant_id_idx ON office.presentations (tenant_id);
CREATE INDEX presentations_tenant_id_owner_id_idx ON office.presentations (tenant_id, owner_id);
CREATE INDEX presentations_tenant_id_updated_at_idx ON office.presentations (tenant_id, updated_at);
CREATE INDEX presentations_folder_id_idx ON office.presentations (folder_id);
CREATE INDEX presentations_theme_id_idx ON office.presentations (theme_id);
CREATE INDEX presentations_created_at_idx ON office.presentations (created_at);
CREATE INDEX presentations_trashed_at_idx ON office.presentations (trashed_at);
CREATE TRIGGER presentations_updated_at BEFORE UPDATE ON office.presentations FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- slides: slides of a presentation; index is the 0-based position.
CREATE TABLE office.slides (
    id              UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    presentation_id UUID           NOT NULL REFERENCES office.presentations (id) ON DELETE CASCADE ON UPDATE CASCADE,
    index           INTEGER        NOT NULL DEFAULT 0,
    layout          VARCHAR(50)    NOT NULL DEFAULT 'blank',  -- e.g. 'title', 'title_content', 'two_column', 'blank'
    background      JSONB          NOT NULL DEFAULT '{}'::jsonb,
    notes           TEXT,  -- speaker notes
    hidden          BOOLEAN        NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT slides_index_check CHECK (index >= 0)
);
CREATE INDEX slides_tenant_id_idx ON office.slides (tenant_id);
CREATE INDEX slides_presentation_id_index_idx ON office.slides (presentation_id, index);
CREATE INDEX slides_created_at_idx ON office.slides (created_at);
CREATE TRIGGER slides_updated_at BEFORE UPDATE ON office.slides FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- elements: objects on a slide (text, image, shape, ...). Geometry in points from the top-left
-- corner of the slide.
CREATE TABLE office.elements (
    id         UUID             PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  UUID             NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    slide_id   UUID             NOT NULL REFERENCES office.slides (id) ON DELETE CASCADE ON UPDATE CASCADE,
    type       VARCHAR(50)      NOT NULL,  -- 'text', 'image', 'shape', 'line', 'table', 'chart', 'video', ...
    content    JSONB            NOT NULL DEFAULT '{}'::jsonb,
    x          DOUBLE PRECISION NOT NULL DEFAULT 0,
    y          DOUBLE PRECISION NOT NULL DEFAULT 0,
    width      DOUBLE PRECISION NOT NULL DEFAULT 0,
    height     DOUBLE PRECISION NOT NULL DEFAULT 0,
    rotation   DOUBLE PRECISION NOT NULL DEFAULT 0,  -- degrees
    z_index    INTEGER          NOT NULL DEFAULT 0,
    style      JSONB            NOT NULL DEFAULT '{}'::jsonb,
    created_at TIMESTAMPTZ(6)   NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ(6)   NOT NULL DEFAULT now(),
    CONSTRAINT elements_size_check CHECK (width >= 0 AND height >= 0)
);
CREATE INDEX elements_tenant_id_idx ON office.elements (tenant_id);
CREATE INDEX elements_slide_id_z_index_idx ON office.elements (slide_id, z_index);
CREATE INDEX elements_created_at_idx ON office.elements (created_at);
CREATE TRIGGER elements_updated_at BEFORE UPDATE ON office.elements FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- animations: animations of an element, played in "order".
CREATE TABLE office.animations (
    id          UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    element_id  UUID           NOT NULL REFERENCES office.elements (id) ON DELETE CASCADE ON UPDATE CASCADE,
    type        VARCHAR(50)    NOT NULL,  -- 'fade_in', 'fly_in', 'zoom', ...
    "order"     INTEGER        NOT NULL DEFAULT 0,
    trigger     VARCHAR(50)    NOT NULL DEFAULT 'on_click',
    duration_ms INTEGER        NOT NULL DEFAULT 500,
    delay_ms    INTEGER        NOT NULL DEFAULT 0,
    options     JSONB          NOT NULL DEFAULT '{}'::jsonb,
    created_at  TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT animations_trigger_check CHECK (trigger IN ('on_click', 'with_previous', 'after_previous')),
    CONSTRAINT animations_timing_check CHECK (duration_ms >= 0 AND delay_ms >= 0)
);
CREATE INDEX animations_tenant_id_idx ON office.animations (tenant_id);
CREATE INDEX animations_element_id_order_idx ON office.animations (element_id, "order");
CREATE INDEX animations_created_at_idx ON office.animations (created_at);
CREATE TRIGGER animations_updated_at BEFORE UPDATE ON office.animations FOR EACH ROW EXECUTE FUNCTION office.update_updated_at_column();

-- ==============================================================================================
-- Domain events
-- ==============================================================================================

-- outbox: transactional outbox of office domain events. A row is written in the same
-- transaction as the change it describes; a relay publishes it (Redpanda / subscriptions) and
-- sets published_at. Append-only apart from published_at, so it has no created_at/updated_at.
CREATE TABLE office.outbox (
    id             UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    aggregate_type VARCHAR(100)   NOT NULL,  -- e.g. 'Document', 'Employee'
    aggregate_id   UUID           NOT NULL,
    type           VARCHAR(100)   NOT NULL,  -- event type, e.g. 'document.edited'
    payload        JSONB          NOT NULL DEFAULT '{}'::jsonb,
    actor_id       UUID,  -- platform.users.id of the acting user, NULL for system / API key
    occurred_at    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    published_at   TIMESTAMPTZ(6)  -- NULL until the relay has published the event
);
CREATE INDEX outbox_tenant_id_idx ON office.outbox (tenant_id);
CREATE INDEX outbox_unpublished_idx ON office.outbox (published_at, occurred_at) WHERE published_at IS NULL;
CREATE INDEX outbox_aggregate_type_aggregate_id_occurred_at_idx ON office.outbox (aggregate_type, aggregate_id, occurred_at);

-- =============================================================================================
-- identity subgraph: initial schema (seed section 5)
--
-- Why there is no `users` and no `sessions` table here: users (with password_hash, MFA flag,
-- last_login) and login sessions / refresh tokens are owned by the platform subgraph, in the
-- `platform` schema, because sign-up creates tenant, user and roles atomically there. identity
-- only keeps the extra security material of a user and references users by id: user_id,
-- created_by, ... are plain UUID columns WITHOUT a foreign key (federation entity references).
-- Foreign keys between identity tables are real.
--
-- Conventions: every table has tenant_id (so row-level security can be added per table), an
-- index on tenant_id, on status (where there is one) and on its timestamp columns; statuses and
-- other enumerations are lower-case VARCHAR(50) values guarded by a CHECK constraint. Secrets
-- are never stored in clear: *_hash columns hold one-way hashes, *_encrypted columns hold
-- ciphertext (TOTP secrets must be recoverable to verify codes).
-- =============================================================================================

CREATE SCHEMA IF NOT EXISTS identity;

-- Section 9: keeps updated_at current on every UPDATE (one function per schema, so each
-- subgraph owns its own database objects).
CREATE OR REPLACE FUNCTION identity.update_updated_at_column()
RETURNS TRIGGER
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$;

-- ==============================================================================================
-- Credentials & MFA
-- ==============================================================================================

-- credentials: additional credentials of a platform user besides the primary password, which
-- lives on platform.users: previous password hashes (reuse prevention), WebAuthn / passkey
-- public keys, one-time recovery codes.
CREATE TABLE identity.credentials (
    id            UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    user_id       UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    type          VARCHAR(50)    NOT NULL,
    label         VARCHAR(255),  -- user-visible name, e.g. 'YubiKey 5C'
    secret_hash   VARCHAR(255),  -- password_history / recovery_code: one-way hash
    credential_id VARCHAR(512),  -- webauthn: credential id (base64url), globally unique
    public_key    TEXT,  -- webauthn: COSE public key (base64url)
    sign_count    BIGINT         NOT NULL DEFAULT 0,  -- webauthn: signature counter (clone detection)
    transports    TEXT[]         NOT NULL DEFAULT ARRAY[]::TEXT[],  -- webauthn: usb, nfc, ble, internal, hybrid
    status        VARCHAR(50)    NOT NULL DEFAULT 'active',
    metadata      JSONB          NOT NULL DEFAULT '{}'::jsonb,
    last_used_at  TIMESTAMPTZ(6),
    expires_at    TIMESTAMPTZ(6),
    revoked_at    TIMESTAMPTZ(6),
    created_at    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT credentials_type_check CHECK (type IN ('password_history', 'webauthn', 'recovery_code')),
    CONSTRAINT credentials_status_check CHECK (status IN ('active', 'used', 'revoked')),
    CONSTRAINT credentials_material_check CHECK (secret_hash IS NOT NULL OR public_key IS NOT NULL),
    CONSTRAINT credentials_credential_id_key UNIQUE (credential_id)
);
CREATE INDEX credentials_tenant_id_idx ON identity.credentials (tenant_id);
CREATE INDEX credentials_tenant_id_user_id_type_idx ON identity.credentials (tenant_id, user_id, type);
CREATE INDEX credentials_tenant_id_status_idx ON identity.credentials (tenant_id, status);
CREATE INDEX credentials_created_at_idx ON identity.credentials (created_at);
CREATE INDEX credentials_last_used_at_idx ON identity.credentials (last_used_at);
CREATE INDEX credentials_expires_at_idx ON identity.credentials (expires_at);
CREATE TRIGGER credentials_updated_at BEFORE UPDATE ON identity.credentials FOR EACH ROW EXECUTE FUNCTION identity.update_updated_at_column();

-- mfa_devices: TOTP authenticators (RFC 6238). enrollMfa inserts a 'pending' device,
-- confirmMfa with a valid code sets confirmed_at and status 'active' (and the platform user's
-- mfa_enabled). last_used_step stores the last accepted 30 s time step, so a code cannot be
-- replayed.
CREATE TABLE identity.mfa_devices (
    id               UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    user_id          UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    type             VARCHAR(50)    NOT NULL DEFAULT 'totp',
    name             VARCHAR(255)   NOT NULL DEFAULT 'Authenticator app',
    secret_encrypted TEXT           NOT NULL,  -- TOTP shared secret, encrypted with the app key
    algorithm        VARCHAR(10)    NOT NULL DEFAULT 'SHA1',
    digits           INTEGER        NOT NULL DEFAULT 6,
    period_seconds   INTEGER        NOT NULL DEFAULT 30,
    status           VARCHAR(50)    NOT NULL DEFAULT 'pending',
    confirmed_at     TIMESTAMPTZ(6),
    last_used_at     TIMESTAMPTZ(6),
    last_used_step   BIGINT,  -- last accepted TOTP time step (replay protection)
    created_at       TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT mfa_devices_type_check CHECK (type IN ('totp')),
    CONSTRAINT mfa_devices_algorithm_check CHECK (algorithm IN ('SHA1', 'SHA256', 'SHA512')),
    CONSTRAINT mfa_devices_status_check CHECK (status IN ('pending', 'active', 'disabled')),
    CONSTRAINT mfa_devices_digits_check CHECK (digits BETWEEN 6 AND 8),
    CONSTRAINT mfa_devices_period_check CHECK (period_seconds > 0)
);
CREATE INDEX mfa_devices_tenant_id_idx ON identity.mfa_devices (tenant_id);
CREATE INDEX mfa_devices_tenant_id_user_id_idx ON identity.mfa_devices (tenant_id, user_id);
CREATE INDEX mfa_devices_tenant_id_status_idx ON identity.mfa_devices (tenant_id, status);
CREATE INDEX mfa_devices_created_at_idx ON identity.mfa_devices (created_at);
CREATE INDEX mfa_devices_confirmed_at_idx ON identity.mfa_devices (confirmed_at);
CREATE INDEX mfa_devices_last_used_at_idx ON identity.mfa_devices (last_used_at);
CREATE TRIGGER mfa_devices_updated_at BEFORE UPDATE ON identity.mfa_devices FOR EACH ROW EXECUTE FUNCTION identity.update_updated_at_column();

-- ==============================================================================================
-- OAuth 2.0 clients (client_credentials grant, RFC 6749 section 4.4)
-- ==============================================================================================

-- oauth_clients: machine clients of a tenant. client_id is public and globally unique
-- (POST /oauth/token looks the client up without knowing the tenant); the secret is shown
-- once and only its hash is kept.
CREATE TABLE identity.oauth_clients (
    id                       UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id                UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    client_id                VARCHAR(100)   NOT NULL,  -- public identifier, globally unique
    client_secret_hash       VARCHAR(255)   NOT NULL,
    secret_hint              VARCHAR(16),  -- last characters of the secret, to recognise it in the UI
    name                     VARCHAR(255)   NOT NULL,
    description              TEXT,
    redirect_uris            TEXT[]         NOT NULL DEFAULT ARRAY[]::TEXT[],
    scopes                   TEXT[]         NOT NULL DEFAULT ARRAY[]::TEXT[],  -- permission strings '<module>:<action>' the client may receive
    grant_types              TEXT[]         NOT NULL DEFAULT ARRAY['client_credentials']::TEXT[],
    access_token_ttl_seconds INTEGER        NOT NULL DEFAULT 3600,
    status                   VARCHAR(50)    NOT NULL DEFAULT 'active',
    created_by               UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    last_used_at             TIMESTAMPTZ(6),
    secret_rotated_at        TIMESTAMPTZ(6),
    created_at               TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at               TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT oauth_clients_status_check CHECK (status IN ('active', 'disabled', 'revoked')),
    CONSTRAINT oauth_clients_ttl_check CHECK (access_token_ttl_seconds > 0),
    CONSTRAINT oauth_clients_client_id_key UNIQUE (client_id)
);
CREATE INDEX oauth_clients_tenant_id_idx ON identity.oauth_clients (tenant_id);
CREATE INDEX oauth_clients_tenant_id_status_idx ON identity.oauth_clients (tenant_id, status);
CREATE INDEX oauth_clients_created_by_idx ON identity.oauth_clients (created_by);
CREATE INDEX oauth_clients_created_at_idx ON identity.oauth_clients (created_at);
CREATE INDEX oauth_clients_last_used_at_idx ON identity.oauth_clients (last_used_at);
CREATE TRIGGER oauth_clients_updated_at BEFORE UPDATE ON identity.oauth_clients FOR EACH ROW EXECUTE FUNCTION identity.update_updated_at_column();

-- oauth_tokens: tokens issued to OAuth clients. Only a SHA-256 hash of the token (or of the
-- JWT's jti) is stored; a token is valid while now() < expires_at and revoked_at IS NULL.
-- user_id is NULL for the client_credentials grant (the client acts for itself).
CREATE TABLE identity.oauth_tokens (
    id              UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    oauth_client_id UUID           NOT NULL REFERENCES identity.oauth_clients (id) ON DELETE CASCADE ON UPDATE CASCADE,  -- oauth_clients.id (not the public client_id string)
    token_hash      VARCHAR(255)   NOT NULL,
    token_type      VARCHAR(50)    NOT NULL DEFAULT 'access',
    user_id         UUID,  -- platform.users.id (federated reference, no FK); NULL for client_credentials
    scopes          TEXT[]         NOT NULL DEFAULT ARRAY[]::TEXT[],
    expires_at      TIMESTAMPTZ(6) NOT NULL,
    revoked_at      TIMESTAMPTZ(6),
    last_used_at    TIMESTAMPTZ(6),
    ip_address      VARCHAR(45),  -- address the token was issued to
    created_at      TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT oauth_tokens_token_type_check CHECK (token_type IN ('access', 'refresh')),
    CONSTRAINT oauth_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX oauth_tokens_tenant_id_idx ON identity.oauth_tokens (tenant_id);
CREATE INDEX oauth_tokens_oauth_client_id_created_at_idx ON identity.oauth_tokens (oauth_client_id, created_at);
CREATE INDEX oauth_tokens_tenant_id_user_id_idx ON identity.oauth_tokens (tenant_id, user_id);
CREATE INDEX oauth_tokens_expires_at_idx ON identity.oauth_tokens (expires_at);
CREATE INDEX oauth_tokens_revoked_at_idx ON identity.oauth_tokens (revoked_at);
CREATE INDEX oauth_tokens_created_at_idx ON identity.oauth_tokens (created_at);
CREATE TRIGGER oauth_tokens_updated_at BEFORE UPDATE ON identity.oauth_tokens FOR EACH ROW EXECUTE FUNCTION identity.update_updated_at_column();

-- ==============================================================================================
-- Organizations
-- ==============================================================================================

-- organizations: organizational units of a tenant (company, division, department, team) as a
-- tree. Deleting a unit keeps its sub-units: they become top-level (parent_id SET NULL).
CREATE TABLE identity.organizations (
    id          UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    parent_id   UUID           REFERENCES identity.organizations (id) ON DELETE SET NULL ON UPDATE CASCADE,
    name        VARCHAR(255)   NOT NULL,
    slug        VARCHAR(100),  -- optional handle, unique per tenant
    description TEXT,
    kind        VARCHAR(50)    NOT NULL DEFAULT 'team',
    status      VARCHAR(50)    NOT NULL DEFAULT 'active',
    settings    JSONB          NOT NULL DEFAULT '{}'::jsonb,
    created_by  UUID,  -- platform.users.id (federated reference, no FK)
    created_at  TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT organizations_kind_check CHECK (kind IN ('company', 'division', 'department', 'team', 'other')),
    CONSTRAINT organizations_status_check CHECK (status IN ('active', 'archived')),
    CONSTRAINT organizations_not_own_parent_check CHECK (parent_id IS NULL OR parent_id <> id),
    CONSTRAINT organizations_tenant_id_slug_key UNIQUE (tenant_id, slug)
);
CREATE INDEX organizations_tenant_id_idx ON identity.organizations (tenant_id);
CREATE INDEX organizations_parent_id_idx ON identity.organizations (parent_id);
CREATE INDEX organizations_tenant_id_name_idx ON identity.organizations (tenant_id, name);
CREATE INDEX organizations_tenant_id_status_idx ON identity.organizations (tenant_id, status);
CREATE INDEX organizations_created_at_idx ON identity.organizations (created_at);
CREATE TRIGGER organizations_updated_at BEFORE UPDATE ON identity.organizations FOR EACH ROW EXECUTE FUNCTION identity.update_updated_at_column();

-- organization_members: which platform users belong to which organization (many-to-many).
CREATE TABLE identity.organization_members (
    id              UUID           PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    organization_id UUID           NOT NULL REFERENCES identity.organizations (id) ON DELETE CASCADE ON UPDATE CASCADE,
    user_id         UUID           NOT NULL,  -- platform.users.id (federated reference, no FK)
    role            VARCHAR(50)    NOT NULL DEFAULT 'member',
    title           VARCHAR(255),  -- title inside the organization
    added_by        UUID,  -- platform.users.id (federated reference, no FK)
    created_at      TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT organization_members_role_check CHECK (role IN ('owner', 'admin', 'member')),
    CONSTRAINT organization_members_organization_id_user_id_key UNIQUE (organization_id, user_id)
);
CREATE INDEX organization_members_tenant_id_idx ON identity.organization_members (tenant_id);
CREATE INDEX organization_members_tenant_id_user_id_idx ON identity.organization_members (tenant_id, user_id);
CREATE INDEX organization_members_created_at_idx ON identity.organization_members (created_at);
CREATE TRIGGER organization_members_updated_at BEFORE UPDATE ON identity.organization_members FOR EACH ROW EXECUTE FUNCTION identity.update_updated_at_column();

-- ==============================================================================================
-- Domain events
-- ==============================================================================================

-- outbox: transactional outbox of identity domain events. A row is written in the same
-- transaction as the change it describes; a relay publishes it (Redpanda / subscriptions) and
-- sets published_at. Append-only apart from published_at, so it has no created_at/updated_at.
CREATE TABLE identity.outbox (
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
CREATE INDEX outbox_tenant_id_idx ON identity.outbox (tenant_id);
CREATE INDEX outbox_unpublished_idx ON identity.outbox (published_at, occurred_at) WHERE published_at IS NULL;
CREATE INDEX outbox_aggregate_type_aggregate_id_occurred_at_idx ON identity.outbox (aggregate_type, aggregate_id, occurred_at);

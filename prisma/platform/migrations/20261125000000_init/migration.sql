-- Platform schema: seed sections 2 and 7 (columns, types, defaults as listed there), with
-- created_at/updated_at added where the seed leaves them out, the section 8 indexes, the
-- section 9 updated_at trigger, login sessions and the transactional outbox.
CREATE SCHEMA IF NOT EXISTS platform;

CREATE OR REPLACE FUNCTION platform.update_updated_at_column() RETURNS trigger AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TABLE platform.tenants (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    slug VARCHAR(100) NOT NULL,
    plan VARCHAR(50) NOT NULL DEFAULT 'starter',
    status VARCHAR(50) NOT NULL DEFAULT 'active',
    trial_ends_at TIMESTAMP,
    settings JSONB DEFAULT '{}',
    limits JSONB DEFAULT '{}',
    usage JSONB DEFAULT '{}',
    enabled_modules TEXT[] DEFAULT ARRAY['crm', 'erp'],
    metadata JSONB DEFAULT '{}',
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW(),
    is_deleted BOOLEAN DEFAULT FALSE,
    CONSTRAINT tenants_slug_key UNIQUE (slug)
);
CREATE INDEX tenants_status_idx ON platform.tenants (status);
CREATE INDEX tenants_created_at_idx ON platform.tenants (created_at);

CREATE TABLE platform.users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id UUID NOT NULL REFERENCES platform.tenants(id),
    email VARCHAR(255) NOT NULL,
    password_hash VARCHAR(255),
    first_name VARCHAR(100),
    last_name VARCHAR(100),
    phone VARCHAR(50),
    avatar_url TEXT,
    status VARCHAR(50) NOT NULL DEFAULT 'active',
    preferences JSONB DEFAULT '{}',
    mfa_enabled BOOLEAN DEFAULT FALSE,
    mfa_secret VARCHAR(255),
    last_login TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW(),
    CONSTRAINT users_tenant_id_email_key UNIQUE (tenant_id, email)
);
CREATE INDEX users_tenant_id_idx ON platform.users (tenant_id);
CREATE INDEX users_status_idx ON platform.users (status);
CREATE INDEX users_created_at_idx ON platform.users (created_at);

CREATE TABLE platform.roles (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id UUID NOT NULL REFERENCES platform.tenants(id),
    name VARCHAR(100) NOT NULL,
    description TEXT,
    permissions TEXT[] DEFAULT ARRAY[]::TEXT[],
    is_system_role BOOLEAN DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW(),
    CONSTRAINT roles_tenant_id_name_key UNIQUE (tenant_id, name)
);
CREATE INDEX roles_tenant_id_idx ON platform.roles (tenant_id);
CREATE INDEX roles_created_at_idx ON platform.roles (created_at);

CREATE TABLE platform.user_roles (
    user_id UUID NOT NULL REFERENCES platform.users(id),
    role_id UUID NOT NULL REFERENCES platform.roles(id),
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role_id_idx ON platform.user_roles (role_id);

CREATE TABLE platform.api_keys (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id UUID NOT NULL REFERENCES platform.tenants(id),
    name VARCHAR(255) NOT NULL,
    key_hash VARCHAR(255) NOT NULL,
    key_prefix VARCHAR(20) NOT NULL,
    type VARCHAR(50) NOT NULL DEFAULT 'private',
    scopes TEXT[] DEFAULT ARRAY[]::TEXT[],
    rate_limit INTEGER DEFAULT 1000,
    usage_stats JSONB DEFAULT '{}',
    is_active BOOLEAN DEFAULT TRUE,
    last_used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX api_keys_tenant_id_idx ON platform.api_keys (tenant_id);
CREATE INDEX api_keys_key_prefix_idx ON platform.api_keys (key_prefix);
CREATE INDEX api_keys_created_at_idx ON platform.api_keys (created_at);

CREATE TABLE platform.subscriptions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id UUID NOT NULL REFERENCES platform.tenants(id),
    plan_id VARCHAR(100) NOT NULL,
    status VARCHAR(50) NOT NULL,
    current_period_start TIMESTAMP NOT NULL,
    current_period_end TIMESTAMP NOT NULL,
    amount_cents BIGINT NOT NULL,
    currency VARCHAR(3) NOT NULL DEFAULT 'USD',
    billing_interval VARCHAR(50) NOT NULL,
    items JSONB DEFAULT '[]',
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX subscriptions_tenant_id_idx ON platform.subscriptions (tenant_id);
CREATE INDEX subscriptions_status_idx ON platform.subscriptions (status);
CREATE INDEX subscriptions_current_period_end_idx ON platform.subscriptions (current_period_end);
CREATE INDEX subscriptions_created_at_idx ON platform.subscriptions (created_at);

CREATE TABLE platform.invoices (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id UUID NOT NULL REFERENCES platform.tenants(id),
    invoice_number VARCHAR(50) NOT NULL,
    subtotal_cents BIGINT NOT NULL,
    tax_cents BIGINT NOT NULL DEFAULT 0,
    total_cents BIGINT NOT NULL,
    currency VARCHAR(3) NOT NULL DEFAULT 'USD',
    status VARCHAR(50) NOT NULL DEFAULT 'draft',
    lines JSONB DEFAULT '[]',
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW(),
    CONSTRAINT invoices_invoice_number_key UNIQUE (invoice_number)
);
CREATE INDEX invoices_tenant_id_idx ON platform.invoices (tenant_id);
CREATE INDEX invoices_status_idx ON platform.invoices (status);
CREATE INDEX invoices_created_at_idx ON platform.invoices (created_at);

CREATE TABLE platform.audit_logs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id UUID NOT NULL REFERENCES platform.tenants(id),
    user_id UUID REFERENCES platform.users(id),
    action VARCHAR(50) NOT NULL,
    resource_type VARCHAR(100) NOT NULL,
    resource_id UUID,
    ip_address VARCHAR(50),
    user_agent TEXT,
    changes JSONB DEFAULT '{}',
    timestamp TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX audit_logs_tenant_id_timestamp_idx ON platform.audit_logs (tenant_id, timestamp DESC);
CREATE INDEX audit_logs_resource_type_resource_id_idx ON platform.audit_logs (resource_type, resource_id);
CREATE INDEX audit_logs_tenant_id_idx ON platform.audit_logs (tenant_id);
CREATE INDEX audit_logs_timestamp_idx ON platform.audit_logs (timestamp);

CREATE TABLE platform.database_instances (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id UUID NOT NULL REFERENCES platform.tenants(id),
    name VARCHAR(255) NOT NULL,
    engine VARCHAR(50) NOT NULL,
    version VARCHAR(50) NOT NULL,
    region VARCHAR(50) NOT NULL,
    instance_type VARCHAR(50) NOT NULL,
    config JSONB NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'provisioning',
    connection_string TEXT,
    metrics JSONB DEFAULT '{}',
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX database_instances_tenant_id_idx ON platform.database_instances (tenant_id);
CREATE INDEX database_instances_status_idx ON platform.database_instances (status);
CREATE INDEX database_instances_created_at_idx ON platform.database_instances (created_at);

CREATE TABLE platform.sessions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id UUID NOT NULL REFERENCES platform.tenants(id),
    user_id UUID NOT NULL REFERENCES platform.users(id) ON DELETE CASCADE,
    refresh_token_hash VARCHAR(64) NOT NULL,
    previous_refresh_token_hash VARCHAR(64),
    user_agent TEXT,
    ip_address VARCHAR(50),
    status VARCHAR(50) NOT NULL DEFAULT 'active',
    expires_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL DEFAULT NOW(),
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW(),
    CONSTRAINT sessions_refresh_token_hash_key UNIQUE (refresh_token_hash)
);
CREATE INDEX sessions_tenant_id_idx ON platform.sessions (tenant_id);
CREATE INDEX sessions_user_id_idx ON platform.sessions (user_id);
CREATE INDEX sessions_status_idx ON platform.sessions (status);
CREATE INDEX sessions_previous_refresh_token_hash_idx ON platform.sessions (previous_refresh_token_hash);
CREATE INDEX sessions_created_at_idx ON platform.sessions (created_at);

CREATE TABLE platform.outbox (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id UUID NOT NULL,
    aggregate_type VARCHAR(100) NOT NULL,
    aggregate_id UUID NOT NULL,
    type VARCHAR(100) NOT NULL,
    payload JSONB NOT NULL DEFAULT '{}',
    actor_id UUID,
    occurred_at TIMESTAMPTZ(6) NOT NULL DEFAULT NOW(),
    published_at TIMESTAMPTZ(6)
);
CREATE INDEX outbox_tenant_id_idx ON platform.outbox (tenant_id);
CREATE INDEX outbox_unpublished_idx ON platform.outbox (published_at, occurred_at) WHERE published_at IS NULL;

CREATE TRIGGER tenants_updated_at BEFORE UPDATE ON platform.tenants FOR EACH ROW EXECUTE FUNCTION platform.update_updated_at_column();
CREATE TRIGGER users_updated_at BEFORE UPDATE ON platform.users FOR EACH ROW EXECUTE FUNCTION platform.update_updated_at_column();
CREATE TRIGGER roles_updated_at BEFORE UPDATE ON platform.roles FOR EACH ROW EXECUTE FUNCTION platform.update_updated_at_column();
CREATE TRIGGER api_keys_updated_at BEFORE UPDATE ON platform.api_keys FOR EACH ROW EXECUTE FUNCTION platform.update_updated_at_column();
CREATE TRIGGER subscriptions_updated_at BEFORE UPDATE ON platform.subscriptions FOR EACH ROW EXECUTE FUNCTION platform.update_updated_at_column();
CREATE TRIGGER invoices_updated_at BEFORE UPDATE ON platform.invoices FOR EACH ROW EXECUTE FUNCTION platform.update_updated_at_column();
CREATE TRIGGER database_instances_updated_at BEFORE UPDATE ON platform.database_instances FOR EACH ROW EXECUTE FUNCTION platform.update_updated_at_column();
CREATE TRIGGER sessions_updated_at BEFORE UPDATE ON platform.sessions FOR EACH ROW EXECUTE FUNCTION platform.update_updated_at_column();

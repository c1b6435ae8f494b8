-- CRM schema: seed section 3 (columns, types, defaults as listed there) with created_at and
-- updated_at added, the section 8 indexes (tenant_id, status, timestamps, email, owner_id, stage),
-- the section 9 trigger and the transactional outbox. tenant_id and owner_id point into the
-- platform subgraph and are entity references, not foreign keys.
CREATE SCHEMA IF NOT EXISTS crm;

CREATE OR REPLACE FUNCTION crm.update_updated_at_column() RETURNS trigger AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TABLE crm.contacts (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL,
    first_name VARCHAR(100) NOT NULL,
    last_name VARCHAR(100) NOT NULL,
    email VARCHAR(255) NOT NULL,
    phone VARCHAR(50),
    company VARCHAR(200),
    title VARCHAR(100),
    source VARCHAR(50),
    status VARCHAR(50) DEFAULT 'active',
    tags TEXT[],
    custom_fields JSONB,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW(),
    CONSTRAINT contacts_tenant_id_email_key UNIQUE (tenant_id, email)
);
-- Keyset pagination in creation order is the default listing.
CREATE INDEX contacts_tenant_id_created_at_id_idx ON crm.contacts (tenant_id, created_at, id);
CREATE INDEX contacts_tenant_id_idx ON crm.contacts (tenant_id);
CREATE INDEX contacts_status_idx ON crm.contacts (status);
CREATE INDEX contacts_email_idx ON crm.contacts (email);
CREATE INDEX contacts_created_at_idx ON crm.contacts (created_at);

CREATE TABLE crm.leads (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL,
    contact_id UUID REFERENCES crm.contacts(id) ON DELETE CASCADE,
    title VARCHAR(200) NOT NULL,
    value DECIMAL(15,2),
    currency VARCHAR(3),
    source VARCHAR(50),
    status VARCHAR(50) DEFAULT 'new',
    stage VARCHAR(50),
    owner_id UUID,
    priority VARCHAR(20) DEFAULT 'medium',
    tags TEXT[],
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX leads_tenant_id_idx ON crm.leads (tenant_id);
CREATE INDEX leads_contact_id_idx ON crm.leads (contact_id);
CREATE INDEX leads_status_idx ON crm.leads (status);
CREATE INDEX leads_stage_idx ON crm.leads (stage);
CREATE INDEX leads_owner_id_idx ON crm.leads (owner_id);
CREATE INDEX leads_created_at_idx ON crm.leads (created_at);

CREATE TABLE crm.opportunities (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL,
    contact_id UUID REFERENCES crm.contacts(id) ON DELETE SET NULL,
    lead_id UUID REFERENCES crm.leads(id) ON DELETE SET NULL,
    name VARCHAR(200) NOT NULL,
    amount DECIMAL(15,2) NOT NULL,
    currency VARCHAR(3),
    stage VARCHAR(50) DEFAULT 'prospect',
    probability INT DEFAULT 0,
    close_date DATE,
    products_services TEXT[],
    notes TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX opportunities_tenant_id_idx ON crm.opportunities (tenant_id);
CREATE INDEX opportunities_contact_id_idx ON crm.opportunities (contact_id);
CREATE INDEX opportunities_lead_id_idx ON crm.opportunities (lead_id);
CREATE INDEX opportunities_stage_idx ON crm.opportunities (stage);
CREATE INDEX opportunities_close_date_idx ON crm.opportunities (close_date);
CREATE INDEX opportunities_created_at_idx ON crm.opportunities (created_at);

CREATE TABLE crm.outbox (
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
CREATE INDEX outbox_tenant_id_idx ON crm.outbox (tenant_id);
CREATE INDEX outbox_unpublished_idx ON crm.outbox (published_at, occurred_at) WHERE published_at IS NULL;

CREATE TRIGGER contacts_updated_at BEFORE UPDATE ON crm.contacts FOR EACH ROW EXECUTE FUNCTION crm.update_updated_at_column();
CREATE TRIGGER leads_updated_at BEFORE UPDATE ON crm.leads FOR EACH ROW EXECUTE FUNCTION crm.update_updated_at_column();
CREATE TRIGGER opportunities_updated_at BEFORE UPDATE ON crm.opportunities FOR EACH ROW EXECUTE FUNCTION crm.update_updated_at_column();

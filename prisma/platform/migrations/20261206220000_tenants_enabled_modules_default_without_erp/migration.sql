-- A tenant's enabled modules are the manifest's gated modules (packages/common/src/manifest.ts) and
-- updateTenant refuses any other name; the seed's column default still named 'erp', a module no
-- subgraph serves. Sign-up and every other writer set the list explicitly; the default keeps crm.
ALTER TABLE platform.tenants ALTER COLUMN enabled_modules SET DEFAULT ARRAY['crm']::TEXT[];

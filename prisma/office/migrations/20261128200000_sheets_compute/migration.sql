-- Sheets that compute (issue 15).
-- Every commit loads the spreadsheet's formula cells to find the dependents of what changed: this
-- partial index finds them without reading the literal cells.
CREATE INDEX cells_worksheet_id_formula_idx ON office.cells (worksheet_id) WHERE formula IS NOT NULL;

-- The cells of one cellsChanged event (written and recomputed, as the commit left them). They are
-- kept beside the outbox row rather than in its payload, so a 10,000-cell paste stays a small
-- Kafka message; the gateway resolves them per subscriber through cellsChangedEvent. Pruned with
-- the outbox row.
CREATE TABLE office.cell_change_sets (
    event_id   UUID           PRIMARY KEY REFERENCES office.outbox (id) ON DELETE CASCADE ON UPDATE CASCADE,
    tenant_id  UUID           NOT NULL,  -- platform.tenants.id (federated reference, no FK)
    cells      JSONB          NOT NULL,  -- [{"row","column","value","formula"}], value as shown
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT cell_change_sets_cells_check CHECK (jsonb_typeof(cells) = 'array')
);
CREATE INDEX cell_change_sets_tenant_id_idx ON office.cell_change_sets (tenant_id);
CREATE INDEX cell_change_sets_created_at_idx ON office.cell_change_sets (created_at);

ALTER TABLE office.cell_change_sets ENABLE ROW LEVEL SECURITY;
ALTER TABLE office.cell_change_sets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON office.cell_change_sets USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON office.cell_change_sets TO bacbos_app;

-- The search subgraph's index (PostgreSQL engine): one row per searchable object of any module,
-- written only by the search indexer from the event stream (and `npm run search:reindex`), read by
-- the search service as bacbos_app under row-level security. No other subgraph's table is read.
-- pg_trgm (typo tolerance), unaccent (accent folding) and btree_gin are trusted extensions: a database owner
-- without superuser may create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
-- btree_gin lets one GIN index lead with tenant_id, so a tenant's query reads only its own postings.
CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;

-- Lower case without accents; IMMUTABLE (unaccent itself is only STABLE) so generated columns and
-- indexes may use it. The dictionary is named explicitly, so search_path cannot change the result.
CREATE FUNCTION search.fold(value text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;

CREATE TABLE search.entries (
  tenant_id   uuid        NOT NULL,
  type        text        NOT NULL,
  id          uuid        NOT NULL,
  title       text        NOT NULL DEFAULT '',
  subtitle    text        NOT NULL DEFAULT '',
  body        text        NOT NULL DEFAULT '',
  -- NULL: every caller the type's module and permission allow; else only these users.
  readers     uuid[],
  -- The outbox position of the change this row reflects; older changes never overwrite it.
  position    bigint      NOT NULL,
  -- A deleted object keeps its row (no text) so that a late, older event cannot bring it back.
  deleted     boolean     NOT NULL DEFAULT false,
  -- When the owner changed the object (the event's commit time); updated_at is when this row was written.
  changed_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  -- Weighted: title A, subtitle B, body C (the first 200,000 characters).
  document    tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('simple'::regconfig, search.fold(title)), 'A') ||
                setweight(to_tsvector('simple'::regconfig, search.fold(subtitle)), 'B') ||
                setweight(to_tsvector('simple'::regconfig, search.fold(left(body, 200000))), 'C')) STORED,
  -- Title and subtitle folded, for trigram (typo-tolerant) matching.
  words       text GENERATED ALWAYS AS (search.fold(title || ' ' || subtitle)) STORED,
  PRIMARY KEY (tenant_id, type, id),
  CONSTRAINT entries_type CHECK (type IN ('CONTACT', 'LEAD', 'OPPORTUNITY', 'DOCUMENT', 'SPREADSHEET', 'PRESENTATION', 'FILE', 'EMAIL', 'CALENDAR_EVENT', 'EMPLOYEE', 'USER'))
);

CREATE OR REPLACE FUNCTION search.update_updated_at_column() RETURNS trigger AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER entries_updated_at BEFORE UPDATE ON search.entries FOR EACH ROW EXECUTE FUNCTION search.update_updated_at_column();

CREATE INDEX entries_document ON search.entries USING gin (tenant_id, document);
CREATE INDEX entries_words ON search.entries USING gin (tenant_id, words public.gin_trgm_ops);
CREATE INDEX entries_readers ON search.entries USING gin (readers);

-- Row-level security as in every subgraph: bacbos_app sees only the tenant set on its connection.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bacbos_app') THEN
        CREATE ROLE bacbos_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA search TO bacbos_app;
-- The application only reads the index; the indexer writes as the owner.
GRANT SELECT ON search.entries TO bacbos_app;
GRANT EXECUTE ON FUNCTION search.fold(text) TO bacbos_app;
ALTER TABLE search.entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE search.entries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search.entries USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- The typo (trigram) matches of a search, through the GIN trigram index.
--
-- Why a function: under row-level security PostgreSQL uses only leakproof operators as index
-- conditions, and pg_trgm's `<%` is not leakproof (nor is `@@`), so a query of bacbos_app can never
-- use entries_words: every typo test ran on every row of the tenant, the dearest part of a search.
-- This function runs as the schema's owner (SECURITY DEFINER) and returns only keys and scores of
-- the tenant set on the connection (the same setting the policy reads; none without one), so it
-- shows nothing the caller's own query could not; the caller's query then applies visibility and
-- reads the rows under row-level security as before. Where the owner is itself subject to the
-- policy (FORCE, a role without BYPASSRLS), results are the same and the index goes unused as
-- before; where it is not (a superuser or BYPASSRLS owner), the index answers in about a
-- millisecond. The statement is planned per call (EXECUTE), with the actual words.
CREATE FUNCTION search.typo_matches(words text, types text[])
  RETURNS TABLE (type text, id uuid, similarity real)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  AS $fn$
BEGIN
  RETURN QUERY EXECUTE
    'SELECT e.type, e.id, public.word_similarity($1, e.words) FROM search.entries e
      WHERE e.tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid
        AND NOT e.deleted AND e.type = ANY($2) AND $1 OPERATOR(public.<%) e.words'
    USING words, types;
END
$fn$;
REVOKE ALL ON FUNCTION search.typo_matches(text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION search.typo_matches(text, text[]) TO bacbos_app;

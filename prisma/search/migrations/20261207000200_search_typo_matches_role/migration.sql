-- search.typo_matches uses the trigram index whatever role owns the schema.
--
-- Before: the function ran as the schema's owner, and where that owner is subject to the forced
-- policy (not a superuser, no BYPASSRLS: the usual production owner) its query carried the policy
-- as a security qual, so the non-leakproof `<%` could not be an index condition and every typo
-- test ran on every row of the tenant.
--
-- Now the function is owned by bacbos_search_typos: a role without login, superuser or BYPASSRLS
-- (any migrator with CREATEROLE may create it), allowed to read only the columns the typo test
-- needs, under a policy of its own that admits every row. Permissive policies are OR-ed, so for
-- this role the table's policy folds to TRUE: no security qual, and the GIN trigram index answers.
-- The tenant is then filtered by the function itself (the same setting the tenant policy reads;
-- no rows without one), and it returns only keys and scores, so it shows the caller nothing its
-- own query could not. Nobody can act as the role but this function: it cannot log in, and the
-- migrator's membership (needed to hand it the function) is revoked again below.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bacbos_search_typos') THEN
        CREATE ROLE bacbos_search_typos NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
EXCEPTION
    -- Roles belong to the cluster: another database's migration created it at the same moment.
    WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
GRANT USAGE ON SCHEMA search TO bacbos_search_typos;
GRANT SELECT (tenant_id, type, id, words, deleted) ON search.entries TO bacbos_search_typos;
CREATE POLICY typo_matches_reader ON search.entries FOR SELECT TO bacbos_search_typos USING (true);

-- Hand the function over: the migrator must be a member of the new owner, and the new owner needs
-- CREATE on the schema at that moment (not a superuser's requirements); both are taken back. The
-- function's grants (EXECUTE to bacbos_app only) go with it to the new owner.
DO $$
DECLARE
    was_member boolean := pg_has_role(current_user, 'bacbos_search_typos', 'MEMBER');
BEGIN
    IF NOT was_member THEN
        EXECUTE format('GRANT bacbos_search_typos TO %I', current_user);
    END IF;
    GRANT CREATE ON SCHEMA search TO bacbos_search_typos;
    ALTER FUNCTION search.typo_matches(text, text[]) OWNER TO bacbos_search_typos;
    REVOKE CREATE ON SCHEMA search FROM bacbos_search_typos;
    IF NOT was_member THEN
        EXECUTE format('REVOKE bacbos_search_typos FROM %I', current_user);
    END IF;
END
$$;

-- The database provisioner (subgraphs/platform/src/modules/databases/provisioner.ts) is a background
-- job with no tenant: under row-level security it cannot see which instances wait on the
-- infrastructure. This SECURITY DEFINER look-up, like the tenant_id_by_* ones, returns only ids and
-- tenant ids; every move then runs in a transaction of the instance's own tenant.
CREATE FUNCTION platform.pending_database_instances(p_limit integer) RETURNS TABLE (id uuid, tenant_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, platform AS
$$ SELECT d.id, d.tenant_id FROM platform.database_instances d
   WHERE d.status IN ('provisioning', 'deleting') ORDER BY d.created_at, d.id LIMIT p_limit $$;

REVOKE ALL ON FUNCTION platform.pending_database_instances(integer) FROM PUBLIC;
-- The application role may not exist yet (the row-level security migration creates it and grants
-- it every function of the schema); where it does, it gets this one now.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bacbos_app') THEN
        GRANT EXECUTE ON FUNCTION platform.pending_database_instances(integer) TO bacbos_app;
    END IF;
END
$$;

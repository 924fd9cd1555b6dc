-- Security hardening (issue 15).
--
-- 1. Sessions remember the account's security stamp they were issued under; a password change, reset, disablement or role
--    change gives the account a new stamp, and a session whose stamp differs is no longer accepted.
-- 2. The logs the application writes (operation log, login log, early warnings) cannot be rewritten by it: they refuse UPDATE,
--    DELETE and TRUNCATE by trigger, and the application's database role may only INSERT and SELECT them.
-- 3. Two roles: mediacenter_owner owns the schema (the migrator acts as it), mediacenter_app is what the processes log in
--    as (read and write the data, never change the schema, never disable a trigger). Roles belong to the whole
--    PostgreSQL server: they are created once and reused by every MediaCenter database on it. Who may log in as which
--    is the deployment's choice (docs/SECURITY.md: "Database roles").

ALTER TABLE mc.api_tokens ADD COLUMN security_stamp text NULL;
UPDATE mc.api_tokens t SET security_stamp = u.security_stamp FROM mc.users u WHERE u.id = t.user_id;
ALTER TABLE mc.api_tokens ALTER COLUMN security_stamp SET NOT NULL;

-- One refusal for every append-only table and every way of changing it, naming the table.
CREATE OR REPLACE FUNCTION mc.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION '%.% is append-only (% refused)', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP;
END;
$$;

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON mc.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION mc.refuse_audit_change();
CREATE TRIGGER login_log_no_truncate BEFORE TRUNCATE ON mc.login_log
    FOR EACH STATEMENT EXECUTE FUNCTION mc.refuse_audit_change();
CREATE TRIGGER security_alerts_append_only BEFORE UPDATE OR DELETE ON mc.security_alerts
    FOR EACH ROW EXECUTE FUNCTION mc.refuse_audit_change();
CREATE TRIGGER security_alerts_no_truncate BEFORE TRUNCATE ON mc.security_alerts
    FOR EACH STATEMENT EXECUTE FUNCTION mc.refuse_audit_change();

DO $$
BEGIN
    BEGIN
        CREATE ROLE mediacenter_owner NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- created for another database on this server, or by the administrator beforehand
    END;
    BEGIN
        CREATE ROLE mediacenter_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
    END;
    -- The migrator hands its objects to the owner role, so it must be able to act as it.
    IF NOT pg_has_role(current_user, 'mediacenter_owner', 'MEMBER') THEN
        EXECUTE format('GRANT mediacenter_owner TO %I', current_user);
    END IF;
END;
$$;

-- Gives every table, view and function of MediaCenter (schema mc, and Orleans' objects in public) to the owner role, and the
-- application role exactly what it needs. The migrator calls it after every run that applied a migration, so later
-- migrations need not repeat it. Objects of extensions are left alone.
CREATE FUNCTION mc.apply_privileges() RETURNS void LANGUAGE plpgsql AS
$$
DECLARE
    owner_oid constant oid := 'mediacenter_owner'::regrole;
    append_only constant text[] := ARRAY['mc.audit_log', 'mc.login_log', 'mc.security_alerts'];
    r record;
BEGIN
    IF (SELECT nspowner FROM pg_namespace WHERE nspname = 'mc') <> owner_oid THEN
        ALTER SCHEMA mc OWNER TO mediacenter_owner;
    END IF;

    -- Tables, views, sequences not owned by a column (identity sequences follow their table).
    FOR r IN
        SELECT c.oid, c.relkind, format('%I.%I', n.nspname, c.relname) AS name
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname IN ('mc', 'public') AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relowner <> owner_oid
           AND NOT EXISTS (SELECT 1 FROM pg_depend d
                            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'i', 'a'))
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO mediacenter_owner',
            CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.name);
    END LOOP;

    FOR r IN
        SELECT p.oid::regprocedure AS name
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname IN ('mc', 'public') AND p.proowner <> owner_oid
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO mediacenter_owner', r.name);
    END LOOP;

    GRANT USAGE ON SCHEMA mc TO mediacenter_app;
    GRANT USAGE ON SCHEMA public TO mediacenter_app;

    -- Data: read and write. The append-only logs: read and append. The migration history: read (the processes check the
    -- schema version). Never TRUNCATE, REFERENCES or TRIGGER, and never ownership, so never ALTER TABLE … DISABLE TRIGGER.
    FOR r IN
        SELECT format('%I.%I', n.nspname, c.relname) AS name
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname IN ('mc', 'public') AND c.relkind IN ('r', 'p', 'v', 'm')
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('REVOKE ALL ON %s FROM mediacenter_app', r.name);
        IF r.name = ANY (append_only) THEN
            EXECUTE format('GRANT SELECT, INSERT ON %s TO mediacenter_app', r.name);
        ELSIF r.name = 'public.mediacenter_schema_migrations' THEN
            EXECUTE format('GRANT SELECT ON %s TO mediacenter_app', r.name);
        ELSE
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO mediacenter_app', r.name);
        END IF;
    END LOOP;
END;
$$;

REVOKE EXECUTE ON FUNCTION mc.apply_privileges() FROM PUBLIC;
SELECT mc.apply_privileges();

-- Security layer: the application's own role, tenant isolation by row-level security,
-- the append-only audit table, and the few look-ups that must cross tenants before
-- anyone is known (sign-in, API tokens, password links).
--
-- Written for PostgreSQL 15 (what servers run) and PGlite (Postgres 18).

-- The application's queries run as hearth_app (SET ROLE). Superusers and table owners
-- bypass row-level security; hearth_app does not. Roles are cluster-wide, so another
-- database on the same server may have created it already.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hearth_app') THEN
    CREATE ROLE hearth_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;
--> statement-breakpoint
-- A connecting user that is not a superuser must be a member of hearth_app to SET ROLE.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     AND NOT pg_has_role(current_user, 'hearth_app', 'MEMBER') THEN
    EXECUTE format('GRANT hearth_app TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO hearth_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON authority TO hearth_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON team, app_user, api_token, password_link, setup_link, session TO hearth_app;
--> statement-breakpoint
-- The audit table: read and append, nothing else.
GRANT SELECT, INSERT ON audit_event TO hearth_app;
--> statement-breakpoint

-- The tenant of the current transaction, set by the application with
-- set_config('hearth.authority_id', id, true). Unset means no tenant: every policy fails.
CREATE FUNCTION hearth_current_authority() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('hearth.authority_id', true), '')::uuid $$;
--> statement-breakpoint
ALTER TABLE authority ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON authority
  USING (id = hearth_current_authority())
  WITH CHECK (id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE team ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON team
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE app_user ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON app_user
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE api_token ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON api_token
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE password_link ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON password_link
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint
ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON audit_event
  USING (authority_id = hearth_current_authority())
  WITH CHECK (authority_id = hearth_current_authority());
--> statement-breakpoint

-- Append-only audit, for everyone including the table's owner.
CREATE FUNCTION hearth_audit_refuse_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_event_append_only
  BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION hearth_audit_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_event_no_truncate
  BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION hearth_audit_refuse_change();
--> statement-breakpoint

-- Look-ups that find which authority a credential belongs to, before a tenant is known.
-- SECURITY DEFINER runs them as the owner; each returns ids only, for one exact key.
CREATE FUNCTION hearth_find_sign_in(p_email text)
  RETURNS TABLE (authority_id uuid, user_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT u.authority_id, u.id FROM app_user u WHERE lower(u.email) = lower(p_email) $$;
--> statement-breakpoint
CREATE FUNCTION hearth_find_api_token(p_token_hash text)
  RETURNS TABLE (authority_id uuid, token_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT t.authority_id, t.id FROM api_token t WHERE t.token_hash = p_token_hash $$;
--> statement-breakpoint
CREATE FUNCTION hearth_find_password_link(p_token_hash text)
  RETURNS TABLE (authority_id uuid, link_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT l.authority_id, l.id FROM password_link l WHERE l.token_hash = p_token_hash $$;
--> statement-breakpoint
-- Whether any authority exists yet (first run), without revealing any.
CREATE FUNCTION hearth_authority_count() RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT count(*) FROM authority $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION hearth_find_sign_in(text), hearth_find_api_token(text), hearth_find_password_link(text),
  hearth_authority_count() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION hearth_find_sign_in(text), hearth_find_api_token(text), hearth_find_password_link(text),
  hearth_authority_count() TO hearth_app;

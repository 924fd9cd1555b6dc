#!/bin/sh
# Runs once, when the postgres container starts on an empty data volume (docker-entrypoint-initdb.d), as the server's
# administrator. Creates MediaCenter's two group roles and one login for each (docs/SECURITY.md, "Database roles"):
#   mediacenter_migrator  member of mediacenter_owner: the migrator, the only one that changes the schema
#   mediacenter           member of mediacenter_app: silo, web and gateway (data only; the logs append-only)
# The database belongs to the owner role, so the migrator may create schema mc and Orleans' tables in public. The
# migrator also gets CREATEROLE: migration 0015 says CREATE ROLE for the group roles, which PostgreSQL refuses without it
# even when they exist. Once 0015 is applied it may go: ALTER ROLE mediacenter_migrator NOCREATEROLE.
# Safe to run again (it then only resets the two passwords): a volume made before this script existed gets it with
#   docker compose exec postgres sh /docker-entrypoint-initdb.d/10-roles.sh
# (with MEDIACENTER_MIGRATOR_PASSWORD and MEDIACENTER_APP_PASSWORD set in .env; see docs/OPERATIONS.md#docker-compose).
set -eu
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" \
  -v migrator="${MEDIACENTER_MIGRATOR_LOGIN:-mediacenter_migrator}" -v migrator_password="$MEDIACENTER_MIGRATOR_PASSWORD" \
  -v app="${MEDIACENTER_APP_LOGIN:-mediacenter}" -v app_password="$MEDIACENTER_APP_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I NOLOGIN', r) FROM unnest(ARRAY['mediacenter_owner', 'mediacenter_app', :'migrator', :'app']) AS r
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE :"migrator" WITH LOGIN NOSUPERUSER NOCREATEDB CREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'migrator_password';
ALTER ROLE :"app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
GRANT mediacenter_owner TO :"migrator";
GRANT mediacenter_app TO :"app";
ALTER DATABASE :"db" OWNER TO mediacenter_owner;
SQL

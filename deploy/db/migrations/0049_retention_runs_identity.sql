-- 0047 gave mc.retention_runs a bigserial id, whose sequence the application role (mediacenter_app) may not use: the grants of
-- mc.apply_privileges cover tables, and every other table's id is an identity column, which needs none. The retention job
-- deleted what had expired and then failed to record its run ("permission denied for sequence retention_runs_id_seq").
-- The id becomes an identity column like the others, continuing after the last id.
ALTER TABLE mc.retention_runs ALTER COLUMN id DROP DEFAULT;
DROP SEQUENCE mc.retention_runs_id_seq;
ALTER TABLE mc.retention_runs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
SELECT setval(pg_get_serial_sequence('mc.retention_runs', 'id'), COALESCE(max(id), 0) + 1, false) FROM mc.retention_runs;

-- The event log is also the source consumers of the domain streams make themselves whole from: they read it back from a
-- checkpoint. Identity ids are handed out before commit, so a row with a smaller id can become visible after a larger
-- one; the writing transaction's id orders the log instead: everything written by transactions older than the oldest
-- one still running (pg_snapshot_xmin) is settled, and a reader that checkpoints there skips nothing.
-- Rows written before this migration all get this migration's transaction id.
ALTER TABLE mc.event_log ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id();

-- The people an event concerns (its people streams): a consumer per person reads back only its own events.
ALTER TABLE mc.event_log ADD COLUMN people uuid[] NOT NULL DEFAULT '{}';

CREATE INDEX event_log_position ON mc.event_log (tx, id);
CREATE INDEX event_log_people ON mc.event_log USING gin (people);

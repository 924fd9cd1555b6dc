-- Plans, drills and campaigns move into grains (issue 14): their state lives in Orleans grain storage, commands carry
-- operation ids kept with that state, and mc.plans, mc.plan_versions, mc.drills and mc.campaigns become read models
-- the silo's journal keeps up to date (idempotent, guarded by the plan's revision or the row's version). Rows written
-- before this migration stay readable: a grain whose state is empty starts from its row. See docs/OPERATIONS-PLANS.md.

-- The web's own idempotency table is replaced by the operation ids the grains keep.
DROP TABLE mc.ops_requests;

-- A plan's drill cadence (定期演练): a drill is due this many days after the last one held.
ALTER TABLE mc.plans ADD COLUMN drill_every_days integer NULL CHECK (drill_every_days BETWEEN 1 AND 3650);

-- The version each row was projected from, so an older projection never overwrites a newer one. A drill that was
-- recorded or cancelled before the upgrade had two changes, a decided campaign two.
ALTER TABLE mc.drills ADD COLUMN version bigint NOT NULL DEFAULT 1;
UPDATE mc.drills SET version = 2 WHERE state <> 'Scheduled';
ALTER TABLE mc.drills ALTER COLUMN version DROP DEFAULT;

-- Campaigns gain a life of their own: the party edits (the operator decides again) or withdraws them.
ALTER TABLE mc.campaigns ADD COLUMN state text NOT NULL DEFAULT 'Pending'
    CHECK (state IN ('Pending', 'Supported', 'Declined', 'Withdrawn'));
UPDATE mc.campaigns SET state = support;
ALTER TABLE mc.campaigns ALTER COLUMN state DROP DEFAULT;
ALTER TABLE mc.campaigns ADD COLUMN withdraw_reason text NULL;
ALTER TABLE mc.campaigns ADD COLUMN withdrawn_at timestamptz NULL;
ALTER TABLE mc.campaigns ADD COLUMN version bigint NOT NULL DEFAULT 1;
UPDATE mc.campaigns SET version = 2 WHERE support <> 'Pending';
ALTER TABLE mc.campaigns ALTER COLUMN version DROP DEFAULT;

-- Overdue drills are looked up per plan among those held.
CREATE INDEX drills_plan_held ON mc.drills (plan_id, ended_at DESC) WHERE state = 'Completed';

-- Scheduling of planned supervision activities (F11.2): the person responsible (reminded the day before by the record's
-- grain, through the alert centre) and the overdue flag the grain raises when the planned day ends without the activity
-- recorded. Written by the silo with the rest of the row, version-guarded.
ALTER TABLE mc.supervision_records
    ADD COLUMN responsible_id uuid    NULL,
    ADD COLUMN responsible    text    NULL,
    ADD COLUMN overdue        boolean NOT NULL DEFAULT false;

CREATE INDEX supervision_records_overdue ON mc.supervision_records (planned_for) WHERE overdue;

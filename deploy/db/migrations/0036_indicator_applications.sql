-- Indicators scoped to applications (接入应用, #20): an indicator names either parties or applications ({party}.{code});
-- one scoped to applications has one figure and at most one reminder per application and month. The figures and reminders
-- of a whole party carry the empty application code, so every row written before keeps its meaning.

ALTER TABLE mc.indicators ADD COLUMN applications text[] NOT NULL DEFAULT '{}';

ALTER TABLE mc.indicator_figures ADD COLUMN application_code text NOT NULL DEFAULT '';
ALTER TABLE mc.indicator_figures DROP CONSTRAINT indicator_figures_pkey;
ALTER TABLE mc.indicator_figures ADD PRIMARY KEY (indicator_id, party_id, application_code, month);

ALTER TABLE mc.indicator_reminders ADD COLUMN application_code text NOT NULL DEFAULT '';
ALTER TABLE mc.indicator_reminders DROP CONSTRAINT indicator_reminders_pkey;
ALTER TABLE mc.indicator_reminders ADD PRIMARY KEY (indicator_id, party_id, application_code, month);

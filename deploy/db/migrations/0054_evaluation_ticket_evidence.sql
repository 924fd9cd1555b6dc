-- Tickets cited as evidence of a yearly evaluation (F11.1, F12.1): the ids of the tickets among the evaluation's evidence,
-- written by the silo with the rest of the row, so a ticket's page lists the evaluations that cite it without reading every
-- evaluation's JSON. The evaluation grain admits only a ticket assigned to the center evaluated.
ALTER TABLE mc.evaluations ADD COLUMN ticket_refs text[] NOT NULL DEFAULT '{}';

CREATE INDEX evaluations_ticket_refs ON mc.evaluations USING gin (ticket_refs);

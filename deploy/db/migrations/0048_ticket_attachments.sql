-- Ticket attachments (F11.1): files the public attach to a complaint are kept in the media store with the ticket as their
-- owner instead of a channel. They are personal data: deleted with the contact when the submitter asks (or the consented
-- retention ends), and never served by the newsroom's media endpoint.
ALTER TABLE mc.media ALTER COLUMN channel_code DROP NOT NULL;
ALTER TABLE mc.media ADD COLUMN ticket_id text;
ALTER TABLE mc.media ADD CONSTRAINT media_one_owner CHECK ((channel_code IS NULL) <> (ticket_id IS NULL));
CREATE INDEX media_ticket ON mc.media (ticket_id) WHERE ticket_id IS NOT NULL;

-- Public information (公开信息, F12.4.1, issue 19): a person appears on the public page (/public/info, /api/public/info) with
-- their name and post only when their staff record says they consented. Off by default: nobody is published until their
-- admin records the consent.
ALTER TABLE mc.staff ADD COLUMN publish_consent boolean NOT NULL DEFAULT false;

-- The public page lists consenting people per organisation.
CREATE INDEX staff_published ON mc.staff (organisation) WHERE publish_consent;

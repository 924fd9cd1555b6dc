-- One-click reprint (一键转载, F7.2, issue 18): a published story that was reprinted names where it came from. The feeds show it
-- (JSON Feed external_url and _source, RSS <source url>); the draft keeps the full attribution (source, author, editor, publish
-- time, images not stored) in its content.
ALTER TABLE mc.publications
    ADD COLUMN source_name text,
    ADD COLUMN source_url text;

-- Lineage of uploaded media (F10.3): an image the reprint path (一键转载, or a collected item taken through it) fetched from the
-- reprinted page names the address it came from; an upload by a person leaves it null (uploaded_by names them).
ALTER TABLE mc.media
    ADD COLUMN source_url text;

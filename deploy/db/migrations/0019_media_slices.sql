-- Media downloads read a file a slice at a time (substring), so a range request costs its range. PostgreSQL can fetch
-- only the TOAST chunks a slice covers when the value is stored uncompressed; images, video and audio hardly compress
-- anyway. Files stored before this migration keep their old storage until they are rewritten.
ALTER TABLE mc.media ALTER COLUMN data SET STORAGE EXTERNAL;

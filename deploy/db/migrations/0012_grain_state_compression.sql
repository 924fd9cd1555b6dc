-- Grain state is JSON of several kilobytes (a story with its history and remembered operations), compressed by
-- PostgreSQL when stored. lz4 compresses it at a fraction of the CPU of the default pglz (B4 in docs/BENCHMARKS.md);
-- rows written before keep their compression until they are written again. PostgreSQL builds without lz4 refuse this
-- statement, and Debian's and the official images have it.
ALTER TABLE OrleansStorage ALTER COLUMN PayloadBinary SET COMPRESSION lz4;

-- Orleans ADO.NET grain storage on PostgreSQL, written for MediaCenter.
-- Optimistic concurrency: a write names the version it read; a stale or duplicate write changes
-- nothing and returns the version it was given, which Orleans turns into InconsistentStateException.

CREATE TABLE OrleansStorage
(
    ServiceId              varchar(150) NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    Version                integer      NULL,
    -- NULLS NOT DISTINCT (PostgreSQL 15+): two inserts of the same grain can never both succeed.
    CONSTRAINT orleansstorage_identity UNIQUE NULLS NOT DISTINCT
        (ServiceId, GrainTypeString, GrainIdHash, GrainIdN0, GrainIdN1, GrainIdExtensionString)
);

CREATE FUNCTION orleans_write_storage(
    _GrainIdHash integer, _GrainIdN0 bigint, _GrainIdN1 bigint, _GrainTypeHash integer, _GrainTypeString text,
    _GrainIdExtensionString text, _ServiceId text, _GrainStateVersion integer, _PayloadBinary bytea)
    RETURNS TABLE (NewGrainStateVersion integer)
    LANGUAGE plpgsql AS
$$
DECLARE
    _new integer;
BEGIN
    IF _GrainStateVersion IS NOT NULL THEN
        UPDATE OrleansStorage
           SET PayloadBinary = _PayloadBinary, ModifiedOn = now(), Version = Version + 1
         WHERE ServiceId = _ServiceId AND GrainTypeString = _GrainTypeString AND GrainIdHash = _GrainIdHash
           AND GrainIdN0 = _GrainIdN0 AND GrainIdN1 = _GrainIdN1
           AND GrainIdExtensionString IS NOT DISTINCT FROM _GrainIdExtensionString
           AND Version = _GrainStateVersion
        RETURNING Version INTO _new;
        IF NOT FOUND THEN
            _new := _GrainStateVersion;
        END IF;
    ELSE
        INSERT INTO OrleansStorage
            (ServiceId, GrainTypeString, GrainTypeHash, GrainIdHash, GrainIdN0, GrainIdN1, GrainIdExtensionString,
             PayloadBinary, ModifiedOn, Version)
        VALUES
            (_ServiceId, _GrainTypeString, _GrainTypeHash, _GrainIdHash, _GrainIdN0, _GrainIdN1, _GrainIdExtensionString,
             _PayloadBinary, now(), 1)
        ON CONFLICT ON CONSTRAINT orleansstorage_identity DO NOTHING;
        IF FOUND THEN
            _new := 1;
        ELSE
            _new := NULL;
        END IF;
    END IF;
    RETURN QUERY SELECT _new;
END;
$$;

-- Clears the payload (the row and its version stay) or deletes the row, under the same version check.
CREATE FUNCTION orleans_clear_storage(
    _GrainIdHash integer, _GrainIdN0 bigint, _GrainIdN1 bigint, _GrainTypeString text,
    _GrainIdExtensionString text, _ServiceId text, _GrainStateVersion integer, _Delete boolean)
    RETURNS TABLE (NewGrainStateVersion integer)
    LANGUAGE plpgsql AS
$$
DECLARE
    _new integer;
BEGIN
    IF _Delete THEN
        DELETE FROM OrleansStorage
         WHERE ServiceId = _ServiceId AND GrainTypeString = _GrainTypeString AND GrainIdHash = _GrainIdHash
           AND GrainIdN0 = _GrainIdN0 AND GrainIdN1 = _GrainIdN1
           AND GrainIdExtensionString IS NOT DISTINCT FROM _GrainIdExtensionString
           AND Version IS NOT DISTINCT FROM _GrainStateVersion;
        IF FOUND THEN
            _new := coalesce(_GrainStateVersion, 0) + 1;
        ELSE
            _new := _GrainStateVersion;
        END IF;
    ELSE
        UPDATE OrleansStorage
           SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
         WHERE ServiceId = _ServiceId AND GrainTypeString = _GrainTypeString AND GrainIdHash = _GrainIdHash
           AND GrainIdN0 = _GrainIdN0 AND GrainIdN1 = _GrainIdN1
           AND GrainIdExtensionString IS NOT DISTINCT FROM _GrainIdExtensionString
           AND Version IS NOT DISTINCT FROM _GrainStateVersion
        RETURNING Version INTO _new;
        IF NOT FOUND THEN
            _new := _GrainStateVersion;
        END IF;
    END IF;
    RETURN QUERY SELECT _new;
END;
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
SELECT PayloadBinary, (now() AT TIME ZONE ''UTC'') AS NowUtc, Version
  FROM OrleansStorage
 WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString AND GrainTypeHash = @GrainTypeHash
   AND GrainIdHash = @GrainIdHash AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
   AND GrainIdExtensionString IS NOT DISTINCT FROM CAST(@GrainIdExtensionString AS text);'),

('WriteToStorageKey', '
SELECT NewGrainStateVersion FROM orleans_write_storage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
    @GrainTypeString, CAST(@GrainIdExtensionString AS text), @ServiceId, CAST(@GrainStateVersion AS integer), @PayloadBinary);'),

('ClearStorageKey', '
SELECT NewGrainStateVersion FROM orleans_clear_storage(@GrainIdHash, @GrainIdN0, @GrainIdN1,
    @GrainTypeString, CAST(@GrainIdExtensionString AS text), @ServiceId, CAST(@GrainStateVersion AS integer), false);'),

('DeleteStorageKey', '
SELECT NewGrainStateVersion FROM orleans_clear_storage(@GrainIdHash, @GrainIdN0, @GrainIdN1,
    @GrainTypeString, CAST(@GrainIdExtensionString AS text), @ServiceId, CAST(@GrainStateVersion AS integer), true);');

-- Monthly report packs kept for download (F8.6, #17): the report archive grain makes, after each month has ended, one pack per
-- access party and one of all parties (party_id ''), and keeps the XLSX here. A pack once kept is never replaced.

CREATE TABLE mc.report_packs
(
    month    date        NOT NULL,
    party_id text        NOT NULL,
    made_at  timestamptz NOT NULL,
    bytes    bigint      NOT NULL,
    sha256   text        NOT NULL,
    sections jsonb       NOT NULL,
    content  bytea       NOT NULL,
    PRIMARY KEY (month, party_id)
);

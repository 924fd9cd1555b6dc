-- Report packs made on request (F8.6, #17): one row per request, written by its report export grain at every step, so any web
-- instance answers its progress; the XLSX is kept with it for download and dropped after Reports:KeepExportsFor (a day).

CREATE TABLE mc.report_exports
(
    id           text        PRIMARY KEY,
    requested_by uuid        NOT NULL,
    party_id     text,
    from_month   date        NOT NULL,
    to_month     date        NOT NULL,
    language     text        NOT NULL,
    state        text        NOT NULL CHECK (state IN ('Running', 'Done', 'Failed')),
    steps_done   integer     NOT NULL,
    steps_total  integer     NOT NULL,
    step         text,
    rows_read    bigint      NOT NULL,
    bytes        bigint,
    sha256       text,
    error        text,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    content      bytea
);

CREATE INDEX report_exports_started ON mc.report_exports (started_at);

-- Personal documents of staff records (F8.1): the scan of a certificate (证书扫描件). Personal data, so apart from the
-- newsroom's media store (keyed to a channel and public once published): the bytes are encrypted by the web host with
-- the personal-data key before they reach the staff grain, which writes them here; only the organisation's admins and the
-- person read them back, each view audited. A newer scan of the same certificate replaces the old one on the record;
-- the old row stays until the record's documents are removed.
CREATE TABLE mc.staff_documents
(
    id                 uuid PRIMARY KEY,
    person_id          text        NOT NULL,
    organisation       text        NOT NULL,
    certificate_number text        NOT NULL,
    file_name          text        NOT NULL,
    content_type       text        NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes         bigint      NOT NULL CHECK (size_bytes > 0),
    sha256             text        NOT NULL,
    data               bytea       NOT NULL,
    uploaded_by        uuid        NOT NULL,
    uploaded_at        timestamptz NOT NULL
);
CREATE INDEX staff_documents_person ON mc.staff_documents (person_id, uploaded_at DESC);

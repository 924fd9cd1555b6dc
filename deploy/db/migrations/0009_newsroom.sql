-- Newsroom (F6, F7): the read model of stories (lists, "my tasks"), every saved draft version, the
-- publications the JSON/RSS feeds read, and uploaded media. Article grains own the state; they write
-- here idempotently and version-guarded (a late write of an older version changes nothing).

CREATE TABLE mc.articles
(
    id            text PRIMARY KEY,
    channel_code  text        NOT NULL REFERENCES mc.channels (code),
    stage         text        NOT NULL,
    kind          text        NOT NULL,
    title         text        NOT NULL,
    author_id     uuid        NOT NULL,
    assignee_ids  uuid[]      NOT NULL DEFAULT '{}',
    due_at        timestamptz NULL,
    scheduled_at  timestamptz NULL,
    card          jsonb       NOT NULL,
    version       bigint      NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX articles_channel ON mc.articles (channel_code, stage);
CREATE INDEX articles_assignees ON mc.articles USING gin (assignee_ids);
CREATE INDEX articles_author ON mc.articles (author_id);

-- Every saved draft is a version; written before the grain acknowledges the save.
CREATE TABLE mc.article_versions
(
    article_id    text        NOT NULL,
    version       integer     NOT NULL CHECK (version > 0),
    title         text        NOT NULL,
    content       jsonb       NOT NULL,
    saved_by      uuid        NOT NULL,
    saved_by_name text        NOT NULL,
    saved_at      timestamptz NOT NULL,
    PRIMARY KEY (article_id, version)
);

-- What each target (PC, WAP, APP) shows: written before a publication or withdrawal is acknowledged.
CREATE TABLE mc.publications
(
    article_id   text        NOT NULL,
    target       text        NOT NULL CHECK (target IN ('Pc', 'Wap', 'App')),
    channel_code text        NOT NULL REFERENCES mc.channels (code),
    kind         text        NOT NULL,
    title        text        NOT NULL,
    summary      text        NOT NULL,
    body_html    text        NOT NULL,
    author_name  text        NOT NULL,
    media_ids    uuid[]      NOT NULL DEFAULT '{}',
    video_url    text        NULL,
    interaction  jsonb       NULL,
    published_at timestamptz NOT NULL,
    withdrawn_at timestamptz NULL,
    version      bigint      NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (article_id, target)
);
CREATE INDEX publications_feed ON mc.publications (channel_code, target, published_at DESC) WHERE withdrawn_at IS NULL;
CREATE INDEX publications_changed ON mc.publications (channel_code, target, updated_at DESC);

-- Uploaded materials and media (size-limited and type-checked by client-web before they get here).
CREATE TABLE mc.media
(
    id           uuid PRIMARY KEY,
    channel_code text        NOT NULL REFERENCES mc.channels (code),
    file_name    text        NOT NULL,
    content_type text        NOT NULL,
    size_bytes   bigint      NOT NULL CHECK (size_bytes > 0),
    sha256       text        NOT NULL,
    data         bytea       NOT NULL,
    uploaded_by  uuid        NOT NULL,
    uploaded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_channel ON mc.media (channel_code, uploaded_at DESC);

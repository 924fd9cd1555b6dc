-- A story's id is allocated by its channel once per filing operation, so that a filing retried with the same operation id
-- gets the same story. The channel grain kept the last 500 allocations in its stored state and rewrote all of them (about
-- 50 KB of JSON) on every new story. Here each allocation is a row of its own: a new story writes one small row, a retry
-- finds its row, and the channel's numbering continues from the highest number allocated.
CREATE TABLE mc.article_allocations
(
    channel_code text        NOT NULL,
    operation_id text        NOT NULL,
    article_id   text        NOT NULL,
    number       bigint      NOT NULL,
    allocated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_code, operation_id),
    UNIQUE (channel_code, number)
);


-- Interactive stories the public answers (互动: polls and Q&A, F7.1, issue 18). The votes and questions live in Orleans grain
-- storage (IInteractionGrain, one per published interactive story, keyed by the article id); these are its read tables:
-- mc.interactions holds the current results the feeds carry, mc.interaction_questions every question sent to a Q&A with its
-- moderation state. No device id, address or account of the public is stored here.
CREATE TABLE mc.interactions
(
    article_id         text        PRIMARY KEY,
    channel_code       text        NOT NULL,
    type               text        NOT NULL CHECK (type IN ('Poll', 'QnA')),
    question           text        NOT NULL,
    options            jsonb       NOT NULL,
    counts             integer[]   NOT NULL,
    votes              integer     NOT NULL DEFAULT 0,
    approved_questions integer     NOT NULL DEFAULT 0,
    pending_questions  integer     NOT NULL DEFAULT 0,
    open               boolean     NOT NULL,
    version            bigint      NOT NULL,
    updated_at         timestamptz NOT NULL
);

CREATE INDEX interactions_channel ON mc.interactions (channel_code, updated_at DESC);

CREATE TABLE mc.interaction_questions
(
    article_id   text        NOT NULL REFERENCES mc.interactions (article_id),
    question_id  text        NOT NULL,
    text         text        NOT NULL,
    state        text        NOT NULL CHECK (state IN ('Submitted', 'Approved', 'Rejected')),
    submitted_at timestamptz NOT NULL,
    decided_at   timestamptz NULL,
    decided_by   text        NULL,
    version      bigint      NOT NULL,
    PRIMARY KEY (article_id, question_id)
);

CREATE INDEX interaction_questions_state ON mc.interaction_questions (article_id, state, submitted_at);

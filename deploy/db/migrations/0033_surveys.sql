-- Online surveys of the survey builder (问卷, F11.2, issue 19). Each survey lives in Orleans grain storage (ISurveyGrain) with
-- its questions and per-question tallies; mc.surveys is its read model for lists, and mc.survey_answers keeps every anonymous
-- answer (no account, no address, no personal data unless the survey's consent text asked for some), each stored once by its id.
CREATE TABLE mc.surveys
(
    id           text        PRIMARY KEY,
    title        text        NOT NULL,
    state        text        NOT NULL CHECK (state IN ('Draft', 'Published', 'Closed')),
    responses    integer     NOT NULL DEFAULT 0,
    version      bigint      NOT NULL,
    created_at   timestamptz NOT NULL,
    published_at timestamptz NULL,
    closed_at    timestamptz NULL,
    updated_at   timestamptz NOT NULL,
    view         jsonb       NOT NULL
);

CREATE INDEX surveys_updated ON mc.surveys (updated_at DESC);

CREATE TABLE mc.survey_answers
(
    survey_id   text        NOT NULL REFERENCES mc.surveys (id),
    answer_id   text        NOT NULL,
    answered_at timestamptz NOT NULL,
    items       jsonb       NOT NULL,
    PRIMARY KEY (survey_id, answer_id)
);

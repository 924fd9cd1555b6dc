-- Yearly evaluations (年度评价, F12.1, standard §11.1.2, §12.1–12.3, issue 19): once a year per center (access party), by the
-- local authority, the served public (a survey) and the center itself, on weighted criteria. The evaluations live in Orleans
-- grain storage (IEvaluationGrain, key eval-{party}-{year}); mc.evaluations is the read model behind the list and the
-- year-over-year comparison, written by the silo after each acknowledged change and guarded by the version; the history goes
-- to mc.event_log (entity type 'evaluation'). A finding's rectification is in mc.rectifications (source_kind 'evaluation',
-- source_ref = the evaluation's id).
CREATE TABLE mc.evaluations
(
    id               text          PRIMARY KEY,
    party_id         text          NOT NULL,
    year             integer       NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    state            text          NOT NULL CHECK (state IN ('Planned', 'InProgress', 'Scored', 'Concluded', 'Closed')),
    title            text          NOT NULL,
    total            numeric(5, 2) NULL,
    result           text          NULL CHECK (result IN ('Excellent', 'Good', 'Pass', 'Fail')),
    criterion_scores jsonb         NOT NULL DEFAULT '[]'::jsonb,
    findings         integer       NOT NULL DEFAULT 0,
    version          bigint        NOT NULL,
    created_at       timestamptz   NOT NULL,
    updated_at       timestamptz   NOT NULL,
    view             jsonb         NOT NULL,
    UNIQUE (party_id, year)
);

CREATE INDEX evaluations_updated ON mc.evaluations (updated_at DESC);

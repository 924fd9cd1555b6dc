-- Appraisal (考核与激励, F8.3, issue 16): one appraisal per person and period. An appraisal lives in Orleans grain storage
-- (IAppraisalGrain, key '{person}:{period}'); this is its read table, written by the silo after each acknowledged change in
-- the transaction that appends its history to mc.event_log (entity type 'appraisal'), guarded by the appraisal's version.
CREATE TABLE mc.appraisals
(
    id             text        PRIMARY KEY,
    organisation   text        NOT NULL CHECK (organisation = 'operator' OR organisation LIKE 'party:_%'),
    person_id      text        NOT NULL,
    person_name    text        NOT NULL,
    user_id        uuid        NULL,
    post           text        NOT NULL CHECK (post IN ('Manager', 'Staff', 'ServicePost')),
    period         text        NOT NULL,
    period_kind    text        NOT NULL CHECK (period_kind IN ('Monthly', 'Quarterly', 'Yearly')),
    period_from    date        NOT NULL,
    period_to      date        NOT NULL,
    figures        jsonb       NOT NULL,
    manual_scores  jsonb       NOT NULL,
    total          float8      NULL,
    grade          text        NULL,
    comment        text        NULL,
    dispute_reason text        NULL,
    incentives     jsonb       NOT NULL DEFAULT '[]',
    goals          jsonb       NOT NULL DEFAULT '[]',
    state          text        NOT NULL CHECK (state IN ('Draft', 'Scored', 'Disputed', 'Acknowledged', 'Closed')),
    appraiser      text        NULL,
    version        bigint      NOT NULL,
    computed_at    timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX appraisals_organisation ON mc.appraisals (organisation, period_from DESC);
CREATE INDEX appraisals_user ON mc.appraisals (user_id) WHERE user_id IS NOT NULL;

-- The figures of a person are counted from the article and incident events they made or are named in.
CREATE INDEX event_log_actor_id ON mc.event_log ((payload ->> 'actorId'), entity_type, occurred_at);

-- Rectifications (整改) and explanations (报备) of access parties, whatever opened them (an indicator shortfall now;
-- complaints, supervision and evaluations later): the read table the rectification grains keep for lists.

CREATE TABLE mc.rectifications
(
    id          text PRIMARY KEY,
    party_id    text        NOT NULL,
    source_kind text        NOT NULL,
    source_ref  text        NOT NULL,
    title       text        NOT NULL,
    state       text        NOT NULL,
    version     bigint      NOT NULL,
    next_due    date        NULL,
    opened_at   timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    view        jsonb       NOT NULL
);
CREATE INDEX rectifications_party ON mc.rectifications (party_id, updated_at DESC);
CREATE INDEX rectifications_source ON mc.rectifications (source_kind, source_ref);

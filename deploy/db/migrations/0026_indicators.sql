-- Indicators (指标, F9.4): the definitions' read table (the indicator grains write it), the monthly figures kept as
-- history (one per indicator, party and month; a closed month recomputed replaces its row with the same figures), and
-- the durable record of each reminder of a missed target: one per indicator, party and month.

CREATE TABLE mc.indicators
(
    id            text PRIMARY KEY,
    name          text             NOT NULL,
    expression    text             NOT NULL,
    comparison    text             NOT NULL CHECK (comparison IN ('AtLeast', 'AtMost')),
    target        double precision NOT NULL,
    parties       text[]           NOT NULL DEFAULT '{}',
    unit          text             NOT NULL DEFAULT '',
    state         text             NOT NULL CHECK (state IN ('Draft', 'Active', 'Retired')),
    version       bigint           NOT NULL,
    defined_by    text             NOT NULL,
    updated_at    timestamptz      NOT NULL,
    retire_reason text             NULL
);

CREATE TABLE mc.indicator_figures
(
    indicator_id text             NOT NULL,
    party_id     text             NOT NULL,
    month        date             NOT NULL CHECK (extract(day FROM month) = 1),
    value        double precision NULL,
    comparison   text             NOT NULL,
    target       double precision NOT NULL,
    met          boolean          NULL,
    measures     jsonb            NOT NULL,
    expression   text             NOT NULL,
    computed_at  timestamptz      NOT NULL,
    closed       boolean          NOT NULL,
    PRIMARY KEY (indicator_id, party_id, month)
);
CREATE INDEX indicator_figures_party ON mc.indicator_figures (party_id, month);

CREATE TABLE mc.indicator_reminders
(
    indicator_id    text        NOT NULL,
    party_id        text        NOT NULL,
    month           date        NOT NULL,
    notification_id text        NOT NULL,
    raised_at       timestamptz NOT NULL,
    PRIMARY KEY (indicator_id, party_id, month)
);

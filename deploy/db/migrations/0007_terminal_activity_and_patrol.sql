-- Terminal usage (使用活跃度) per terminal and day, and the daily patrol (每日巡视) reports.

CREATE TABLE mc.terminal_activity
(
    terminal_id       text        NOT NULL,
    day               date        NOT NULL,
    party_id          text        NOT NULL REFERENCES mc.access_parties (id),
    heartbeats        integer     NOT NULL,
    sessions          integer     NOT NULL,
    interactions      integer     NOT NULL,
    screen_on_seconds integer     NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (terminal_id, day)
);
CREATE INDEX terminal_activity_day ON mc.terminal_activity (day, party_id);

CREATE TABLE mc.patrol_reports
(
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    trigger     text        NOT NULL,
    status      text        NOT NULL CHECK (status IN ('ok', 'warning', 'failed')),
    checks      jsonb       NOT NULL
);
CREATE INDEX patrol_reports_started ON mc.patrol_reports (started_at);

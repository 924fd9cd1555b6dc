-- Retention jobs (F10.3, §10.1.3): each run of the daily retention job keeps what it removed, by table, so the counts
-- outlive the logs. The append-only audit and login logs are never touched by it (their retention is the operator's).
CREATE TABLE mc.retention_runs
(
    id          bigserial   PRIMARY KEY,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    trigger     text        NOT NULL,
    counts      jsonb       NOT NULL
);

CREATE INDEX retention_runs_started ON mc.retention_runs (started_at DESC);

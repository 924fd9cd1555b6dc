-- Maintenance windows (issue 20, item 3): a party's region, or all its regions, under maintenance from/to. While a window
-- is active, terminal alerts of its scope are held under it instead of paging (docs/INCIDENTS.md, "Inhibition"). The grain
-- owns the window; this is its read table and the journal of its moves.

CREATE TABLE mc.maintenance_windows
(
    id         uuid PRIMARY KEY,
    party_id   text        NOT NULL,
    region     text        NULL,
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    reason     text        NOT NULL,
    stage      text        NOT NULL,
    created_by uuid        NOT NULL,
    created_at timestamptz NOT NULL,
    ended_at   timestamptz NULL,
    version    bigint      NOT NULL
);
CREATE INDEX maintenance_windows_party ON mc.maintenance_windows (party_id, starts_at DESC);
CREATE INDEX maintenance_windows_open ON mc.maintenance_windows (ends_at) WHERE stage IN ('Scheduled', 'Active');

CREATE TABLE mc.maintenance_window_events
(
    window_id    uuid        NOT NULL REFERENCES mc.maintenance_windows (id),
    version      bigint      NOT NULL,
    command      text        NOT NULL,
    stage        text        NOT NULL,
    operation_id text        NOT NULL,
    at           timestamptz NOT NULL,
    PRIMARY KEY (window_id, version)
);

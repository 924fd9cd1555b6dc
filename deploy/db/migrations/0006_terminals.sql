-- Smart terminals (F8.5): the read model terminal grains keep current on every health change and at
-- checkpoints (lists, reports and the ops board's snapshot read it; they never activate thousands of grains).

CREATE TABLE mc.terminals
(
    id                 text PRIMARY KEY,
    party_id           text        NOT NULL REFERENCES mc.access_parties (id),
    name               text        NOT NULL,
    kind               text        NOT NULL,
    region             text        NOT NULL,
    health             text        NOT NULL,
    health_since       timestamptz NULL,
    last_seen          timestamptz NULL,
    deadline           timestamptz NULL,
    degraded_because   text[]      NOT NULL DEFAULT '{}',
    last_inspection_at timestamptz NULL,
    inspection_due     timestamptz NULL,
    flap_count         integer     NOT NULL DEFAULT 0,
    version            bigint      NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX terminals_party ON mc.terminals (party_id);
CREATE INDEX terminals_health ON mc.terminals (health);
CREATE INDEX terminals_inspection_due ON mc.terminals (inspection_due);

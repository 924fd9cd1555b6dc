-- Incidents (故障处理, F9.2): the read model incident grains keep (lists, monthly MTTA/MTTR), the alert centre
-- (notifications with read receipts per user), and outbound webhooks with every delivery attempt recorded.

CREATE TABLE mc.incidents
(
    id               text PRIMARY KEY,
    stage            text        NOT NULL,
    severity         text        NOT NULL,
    source           text        NOT NULL,
    dedup_key        text        NOT NULL,
    title            text        NOT NULL,
    party_id         text        NULL,
    channel_code     text        NULL,
    subject          text        NULL,
    reported_at      timestamptz NOT NULL,
    acknowledged_at  timestamptz NULL,
    resolved_at      timestamptz NULL,
    closed_at        timestamptz NULL,
    occurrences      integer     NOT NULL,
    last_occurrence  timestamptz NOT NULL,
    escalation_level integer     NOT NULL,
    snapshot         jsonb       NOT NULL,
    version          bigint      NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_reported ON mc.incidents (reported_at DESC);
CREATE INDEX incidents_party ON mc.incidents (party_id, reported_at DESC);
CREATE INDEX incidents_stage ON mc.incidents (stage);

-- The alert centre. audience: 'ops' (administrators and operators), 'role:admin', 'management', 'party:{id}'.
CREATE TABLE mc.notifications
(
    id          text PRIMARY KEY,
    audience    text        NOT NULL,
    kind        text        NOT NULL,
    incident_id text        NULL,
    party_id    text        NULL,
    severity    text        NULL,
    title       text        NOT NULL,
    body        text        NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX notifications_audience ON mc.notifications (audience, created_at DESC);

CREATE TABLE mc.notification_reads
(
    notification_id text        NOT NULL REFERENCES mc.notifications (id),
    user_id         uuid        NOT NULL,
    read_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (notification_id, user_id)
);

-- Outbound webhooks (WeCom/DingTalk/e-mail bridges attach here). A webhook receives the notifications of one
-- audience ('ops', 'role:admin', 'management' or 'party:{id}'), optionally only some kinds. The secret signs each
-- delivery (HMAC-SHA256 over "{timestamp}.{body}").
CREATE TABLE mc.webhooks
(
    id         uuid PRIMARY KEY,
    audience   text        NOT NULL,
    party_id   text        NULL REFERENCES mc.access_parties (id),
    url        text        NOT NULL CHECK (url ~ '^https?://'),
    secret     text        NOT NULL,
    kinds      text[]      NOT NULL DEFAULT '{}',
    active     boolean     NOT NULL DEFAULT true,
    created_by uuid        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mc.webhook_deliveries
(
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id      uuid        NOT NULL REFERENCES mc.webhooks (id),
    notification_id text        NOT NULL REFERENCES mc.notifications (id),
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    locked_until    timestamptz NULL,
    delivered_at    timestamptz NULL,
    last_error      text        NULL,
    UNIQUE (webhook_id, notification_id)
);
CREATE INDEX webhook_deliveries_due ON mc.webhook_deliveries (next_attempt_at) WHERE status = 'pending';

CREATE TABLE mc.webhook_attempts
(
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id bigint      NOT NULL REFERENCES mc.webhook_deliveries (id),
    attempt     integer     NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    status_code integer     NULL,
    error       text        NULL,
    duration_ms integer     NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON mc.webhook_attempts (delivery_id);

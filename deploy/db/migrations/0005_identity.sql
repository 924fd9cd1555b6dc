-- Identity, roles, tokens, logs and keys (F10.2, F10.4, F10.6).

-- 接入方: a unit whose channels, applications and terminals are hosted on the platform.
CREATE TABLE mc.access_parties
(
    id         text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mc.users
(
    id                  uuid PRIMARY KEY,
    username            text        NOT NULL,
    display_name        text        NOT NULL,
    password_hash       text        NOT NULL,
    -- The security stamp changes on password change/reset and sign-out everywhere: cookies carrying an
    -- older stamp are rejected.
    security_stamp      text        NOT NULL,
    access_party_id     text        NULL REFERENCES mc.access_parties (id),
    platform_roles      text[]      NOT NULL DEFAULT '{}',
    party_role          text        NULL CHECK (party_role IN ('party-admin', 'party-member')),
    failed_sign_ins     integer     NOT NULL DEFAULT 0,
    locked_until        timestamptz NULL,
    must_change_password boolean    NOT NULL DEFAULT false,
    disabled            boolean     NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    -- Personal data (GB/T 35273): encrypted with ASP.NET Core Data Protection; only the masked form is plain.
    phone_protected       text NULL,
    phone_masked          text NULL,
    email_protected       text NULL,
    email_masked          text NULL,
    national_id_protected text NULL,
    national_id_masked    text NULL,
    personal_data_erased_at timestamptz NULL,
    CHECK ((party_role IS NULL) = (access_party_id IS NULL))
);
CREATE UNIQUE INDEX users_username ON mc.users (lower(username));
CREATE INDEX users_party ON mc.users (access_party_id);

-- Channels are registered here with their owning access party; the newsroom keeps the rest in grains.
CREATE TABLE mc.channels
(
    code            text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name            text        NOT NULL,
    access_party_id text        NOT NULL REFERENCES mc.access_parties (id),
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Newsroom roles are per channel; a reviewer has a review level (1 初审, 2 复审, 3 终审).
CREATE TABLE mc.channel_members
(
    channel_code text    NOT NULL REFERENCES mc.channels (code),
    user_id      uuid    NOT NULL REFERENCES mc.users (id),
    role         text    NOT NULL CHECK (role IN ('chief', 'editor', 'reviewer')),
    review_level integer NULL CHECK (review_level BETWEEN 1 AND 3),
    PRIMARY KEY (channel_code, user_id, role),
    CHECK ((role = 'reviewer') = (review_level IS NOT NULL))
);
CREATE INDEX channel_members_user ON mc.channel_members (user_id);

-- Bearer tokens for the API and the mobile app: only a SHA-256 of the token is kept.
CREATE TABLE mc.api_tokens
(
    id           uuid PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES mc.users (id),
    token_hash   text        NOT NULL UNIQUE,
    name         text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz NULL,
    last_used_at timestamptz NULL
);
CREATE INDEX api_tokens_user ON mc.api_tokens (user_id);

-- The login log (登录日志): every sign-in attempt, successful or not.
CREATE TABLE mc.login_log
(
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    username    text        NOT NULL,
    user_id     uuid        NULL,
    success     boolean     NOT NULL,
    reason      text        NOT NULL,
    method      text        NOT NULL,
    client_ip   text        NULL,
    user_agent  text        NULL
);
CREATE INDEX login_log_occurred ON mc.login_log (occurred_at);
CREATE INDEX login_log_failures_user ON mc.login_log (lower(username), occurred_at) WHERE NOT success;
CREATE INDEX login_log_failures_ip ON mc.login_log (client_ip, occurred_at) WHERE NOT success;
CREATE TRIGGER login_log_append_only BEFORE UPDATE OR DELETE ON mc.login_log
    FOR EACH ROW EXECUTE FUNCTION mc.refuse_audit_change();

-- Early warnings (预警): repeated failed sign-ins, bulk deletions.
CREATE TABLE mc.security_alerts
(
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    kind        text        NOT NULL,
    subject     text        NOT NULL,
    message     text        NOT NULL,
    details     jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX security_alerts_occurred ON mc.security_alerts (occurred_at);

-- ASP.NET Core Data Protection keys, shared by every web instance.
CREATE TABLE mc.data_protection_keys
(
    friendly_name text PRIMARY KEY,
    xml           text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Per-terminal MQTT credentials: the secret is random (256 bits), so a SHA-256 of it is kept.
CREATE TABLE mc.terminal_credentials
(
    terminal_id     text PRIMARY KEY CHECK (terminal_id ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'),
    access_party_id text        NOT NULL REFERENCES mc.access_parties (id),
    secret_hash     text        NOT NULL,
    issued_at       timestamptz NOT NULL DEFAULT now(),
    issued_by       uuid        NULL REFERENCES mc.users (id),
    revoked_at      timestamptz NULL
);
CREATE INDEX terminal_credentials_party ON mc.terminal_credentials (access_party_id);

-- Emergency plans and drills (应急预案, F9.3, F10.2.1), hot events (热点事件, F9.3.2) and promotion campaigns
-- (F9.1). Plans, drills and campaigns are written by client-web in transactions; hot events live in grains and
-- this is their read model. See docs/OPERATIONS-PLANS.md.

-- A plan of an access party. Its content lives in versions; effective_version is the latest approved one.
CREATE TABLE mc.plans
(
    id                text PRIMARY KEY,
    party_id          text        NOT NULL REFERENCES mc.access_parties (id),
    title             text        NOT NULL,
    scenario          text        NOT NULL,
    latest_version    integer     NOT NULL CHECK (latest_version > 0),
    effective_version integer     NULL,
    revision          bigint      NOT NULL,
    created_by        uuid        NOT NULL,
    created_by_name   text        NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX plans_party ON mc.plans (party_id, updated_at DESC);

-- Every version is kept. Draft → Submitted → Approved (→ Superseded when a newer one is approved);
-- Submitted → Draft again when management returns it with a reason.
CREATE TABLE mc.plan_versions
(
    plan_id           text        NOT NULL REFERENCES mc.plans (id),
    version           integer     NOT NULL CHECK (version > 0),
    state             text        NOT NULL CHECK (state IN ('Draft', 'Submitted', 'Approved', 'Superseded')),
    title             text        NOT NULL,
    scenario          text        NOT NULL,
    content           jsonb       NOT NULL,
    created_by_name   text        NOT NULL,
    created_at        timestamptz NOT NULL,
    edited_by_name    text        NOT NULL,
    edited_at         timestamptz NOT NULL,
    submitted_by_name text        NULL,
    submitted_at      timestamptz NULL,
    approved_by       uuid        NULL,
    approved_by_name  text        NULL,
    approved_at       timestamptz NULL,
    returned_by_name  text        NULL,
    returned_at       timestamptz NULL,
    return_reason     text        NULL,
    superseded_at     timestamptz NULL,
    PRIMARY KEY (plan_id, version)
);
-- At most one version of a plan is open (being drafted or waiting for approval).
CREATE UNIQUE INDEX plan_versions_one_open ON mc.plan_versions (plan_id) WHERE state IN ('Draft', 'Submitted');

-- What was approved is never rewritten: an approved version's content stays as approved.
CREATE FUNCTION mc.refuse_approved_plan_change() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    IF OLD.state IN ('Approved', 'Superseded')
        AND (NEW.content IS DISTINCT FROM OLD.content OR NEW.title IS DISTINCT FROM OLD.title
             OR NEW.scenario IS DISTINCT FROM OLD.scenario OR NEW.state NOT IN ('Approved', 'Superseded')) THEN
        RAISE EXCEPTION 'plan % version % was approved and cannot change', OLD.plan_id, OLD.version;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER plan_versions_approved_immutable BEFORE UPDATE ON mc.plan_versions
    FOR EACH ROW EXECUTE FUNCTION mc.refuse_approved_plan_change();
CREATE TRIGGER plan_versions_no_delete BEFORE DELETE ON mc.plan_versions
    FOR EACH ROW EXECUTE FUNCTION mc.refuse_audit_change();

-- Drills (演练): scheduled, then recorded once (participants, findings, follow-ups) or cancelled.
CREATE TABLE mc.drills
(
    id                 text PRIMARY KEY,
    plan_id            text        NOT NULL REFERENCES mc.plans (id),
    party_id           text        NOT NULL REFERENCES mc.access_parties (id),
    scenario           text        NOT NULL,
    scheduled_at       timestamptz NOT NULL,
    state              text        NOT NULL CHECK (state IN ('Scheduled', 'Completed', 'Cancelled')),
    plan_version       integer     NULL,
    started_at         timestamptz NULL,
    ended_at           timestamptz NULL,
    participants       jsonb       NOT NULL DEFAULT '[]'::jsonb,
    findings           jsonb       NOT NULL DEFAULT '[]'::jsonb,
    follow_ups         jsonb       NOT NULL DEFAULT '[]'::jsonb,
    summary            text        NULL,
    cancel_reason      text        NULL,
    scheduled_by_name  text        NOT NULL,
    recorded_by_name   text        NULL,
    recorded_at        timestamptz NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
CREATE INDEX drills_plan ON mc.drills (plan_id, scheduled_at DESC);
CREATE INDEX drills_party ON mc.drills (party_id, scheduled_at DESC);

-- Promotion campaigns (推广活动): registered by an access party, support marked by an operator.
CREATE TABLE mc.campaigns
(
    id                 text PRIMARY KEY,
    party_id           text        NOT NULL REFERENCES mc.access_parties (id),
    title              text        NOT NULL,
    kind               text        NOT NULL CHECK (kind IN ('Holiday', 'Topical')),
    starts_on          date        NOT NULL,
    ends_on            date        NOT NULL,
    description        text        NOT NULL,
    support            text        NOT NULL DEFAULT 'Pending' CHECK (support IN ('Pending', 'Supported', 'Declined')),
    support_note       text        NULL,
    supported_by_name  text        NULL,
    supported_at       timestamptz NULL,
    registered_by      uuid        NOT NULL,
    registered_by_name text        NOT NULL,
    registered_at      timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX campaigns_dates ON mc.campaigns (starts_on, ends_on);
CREATE INDEX campaigns_party ON mc.campaigns (party_id, starts_on);

-- Read model of hot events (the grains own them): lists by window and party. Version-guarded upserts.
CREATE TABLE mc.hot_events
(
    id         text PRIMARY KEY,
    party_id   text        NOT NULL,
    title      text        NOT NULL,
    status     text        NOT NULL,
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    card       jsonb       NOT NULL,
    version    bigint      NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX hot_events_window ON mc.hot_events (starts_at, ends_at);
CREATE INDEX hot_events_party ON mc.hot_events (party_id, starts_at DESC);

-- Idempotency of the plan, drill and campaign commands: the first answer to a caller's Idempotency-Key,
-- stored in the same transaction as the change it made.
CREATE TABLE mc.ops_requests
(
    operation_id text PRIMARY KEY,
    action       text        NOT NULL,
    status       integer     NOT NULL,
    body         jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

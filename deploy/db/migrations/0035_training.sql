-- Training (人员培训, F8.2, issue 16): plans per post, sessions with their assessment, and re-training obligations
-- (§8.1.5.5). The training of an organisation lives in Orleans grain storage (ITrainingGrain, one per organisation);
-- these are its read tables, written by the silo after each acknowledged change and guarded by each row's version.
CREATE TABLE mc.training_plans
(
    organisation text        NOT NULL CHECK (organisation = 'operator' OR organisation LIKE 'party:_%'),
    id           text        NOT NULL,
    post         text        NOT NULL CHECK (post IN ('Manager', 'Staff', 'ServicePost')),
    kind         text        NOT NULL,
    title        text        NOT NULL,
    cadence      text        NOT NULL CHECK (cadence IN ('Once', 'Quarterly', 'HalfYearly', 'Yearly')),
    skills       jsonb       NOT NULL,
    pass_mark    integer     NOT NULL CHECK (pass_mark BETWEEN 0 AND 100),
    state        text        NOT NULL CHECK (state IN ('Draft', 'Active', 'Retired')),
    version      bigint      NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (organisation, id)
);

CREATE TABLE mc.training_sessions
(
    organisation text        NOT NULL,
    id           text        NOT NULL,
    plan_id      text        NOT NULL,
    title        text        NOT NULL,
    external     boolean     NOT NULL,
    provider     text        NULL,
    starts_at    timestamptz NOT NULL,
    location     text        NULL,
    materials    jsonb       NOT NULL,
    pass_mark    integer     NOT NULL CHECK (pass_mark BETWEEN 0 AND 100),
    attendees    jsonb       NOT NULL,
    state        text        NOT NULL CHECK (state IN ('Scheduled', 'Held', 'Closed', 'Cancelled')),
    version      bigint      NOT NULL,
    updated_at   timestamptz NOT NULL,
    closed_on    date        NULL,
    PRIMARY KEY (organisation, id)
);

-- The sessions of a plan, newest first.
CREATE INDEX training_sessions_plan ON mc.training_sessions (organisation, plan_id, starts_at DESC);

CREATE TABLE mc.training_obligations
(
    organisation text    NOT NULL,
    id           text    NOT NULL,
    person_id    text    NOT NULL,
    person_name  text    NOT NULL,
    plan_id      text    NOT NULL,
    plan_title   text    NOT NULL,
    reason       text    NOT NULL CHECK (reason IN ('Joined', 'PostChanged', 'PlanActivated', 'PlanChanged', 'Periodic')),
    since        date    NOT NULL,
    due          date    NOT NULL,
    state        text    NOT NULL CHECK (state IN ('Open', 'Fulfilled', 'Dropped')),
    fulfilled_by text    NULL,
    fulfilled_on date    NULL,
    reminded     boolean NOT NULL,
    version      bigint  NOT NULL,
    PRIMARY KEY (organisation, id)
);

-- A person's obligations, and the open ones of an organisation by due date.
CREATE INDEX training_obligations_person ON mc.training_obligations (person_id);
CREATE INDEX training_obligations_open ON mc.training_obligations (organisation, due) WHERE state = 'Open';

-- Applications (接入应用, standard §4, §9.2.2): the services an access party runs on the platform (its PC site, its app, its kiosk
-- service). The read table the application grains keep; channels and terminals belong to one application of their own party.

CREATE TABLE mc.applications
(
    party_id         text        NOT NULL REFERENCES mc.access_parties (id),
    code             text        NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name             text        NOT NULL,
    kind             text        NOT NULL,
    owner            text        NULL,
    description      text        NULL,
    state            text        NOT NULL,
    suspended_reason text        NULL,
    suspended_at     timestamptz NULL,
    version          bigint      NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (party_id, code)
);

-- Every party has a default application from the start (version 0: no command made it; its grain takes the row on first use).
INSERT INTO mc.applications (party_id, code, name, kind, state, version, created_at, updated_at)
SELECT id, 'default', name, 'Web', 'Active', 0, now(), now() FROM mc.access_parties;

-- Today's channels belong to their party's default application; a channel can only belong to an application of its own party.
ALTER TABLE mc.channels ADD COLUMN application_code text NOT NULL DEFAULT 'default';
ALTER TABLE mc.channels ADD CONSTRAINT channels_application
    FOREIGN KEY (access_party_id, application_code) REFERENCES mc.applications (party_id, code);
CREATE INDEX channels_application ON mc.channels (access_party_id, application_code);

-- The terminals' read model follows the terminal grains (which take the default application when none is named).
ALTER TABLE mc.terminals ADD COLUMN application_code text NOT NULL DEFAULT 'default';
CREATE INDEX terminals_application ON mc.terminals (party_id, application_code);

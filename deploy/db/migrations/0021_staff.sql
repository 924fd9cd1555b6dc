-- Staff records (人员档案, F8.1, issue 16). The records live in Orleans grain storage (IStaffGrain, one per person; the
-- rosters per organisation); mc.staff is the read model behind the people lists, written by the silo after each
-- acknowledged change and guarded by the record's version. Personal fields are here only in their masked form: the
-- encrypted values stay in grain state.
CREATE TABLE mc.staff
(
    id                  text        PRIMARY KEY,
    organisation        text        NOT NULL CHECK (organisation = 'operator' OR organisation LIKE 'party:_%'),
    side                text        NOT NULL CHECK (side IN ('Party', 'Operator')),
    party_id            text        NULL,
    name                text        NOT NULL,
    post                text        NOT NULL CHECK (post IN ('Manager', 'Staff', 'ServicePost')),
    education           text        NOT NULL CHECK (education IN ('Secondary', 'JuniorCollege', 'Bachelor', 'Master', 'Doctorate')),
    experience_years    integer     NOT NULL CHECK (experience_years BETWEEN 0 AND 60),
    skills              jsonb       NOT NULL,
    certificates        jsonb       NOT NULL,
    trainings           jsonb       NOT NULL DEFAULT '[]',
    national_id_masked  text        NULL,
    phone_masked        text        NULL,
    user_id             uuid        NULL,
    state               text        NOT NULL CHECK (state IN ('Active', 'Left')),
    version             bigint      NOT NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);

-- The people list of one organisation, by name.
CREATE INDEX staff_organisation ON mc.staff (organisation, name);

-- Supervision records (监督记录, F11.2, standard §11.2.2, issue 19): telephone visits, online surveys, return visits, managers'
-- visits, mystery visits and public supervision. The records live in Orleans grain storage (ISupervisionRecordGrain, one per
-- record); mc.supervision_records is the read model behind the lists, written by the silo after each acknowledged change and
-- guarded by the record's version; the history goes to mc.event_log (entity type 'supervision'). A finding's rectification is
-- in mc.rectifications (source_kind 'supervision', source_ref = the record's id).
CREATE TABLE mc.supervision_records
(
    id          text        PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('TelephoneVisit', 'OnlineSurvey', 'ReturnVisit', 'ManagerVisit', 'MysteryVisit',
                                                     'PublicSupervision')),
    state       text        NOT NULL CHECK (state IN ('Planned', 'Done', 'Closed')),
    title       text        NOT NULL,
    party_id    text        NULL,
    channel     text        NULL,
    planned_for date        NULL,
    done_on     date        NULL,
    done_by     text        NULL,
    findings    integer     NOT NULL DEFAULT 0,
    survey_id   text        NULL,
    version     bigint      NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    view        jsonb       NOT NULL
);

CREATE INDEX supervision_records_updated ON mc.supervision_records (updated_at DESC);
CREATE INDEX supervision_records_party ON mc.supervision_records (party_id, updated_at DESC) WHERE party_id IS NOT NULL;

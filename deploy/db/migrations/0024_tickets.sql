-- Complaints, consultations and suggestions (工单, F11.1, issue 19). The tickets live in Orleans grain storage (ITicketGrain,
-- one per ticket, keyed by its follow-up code; the working-day calendar in ITicketCalendarGrain); mc.tickets is the read model
-- behind the ticket lists, written by the silo after each acknowledged change and guarded by the ticket's version. The
-- submitter's contact is here only masked: the encrypted values stay in grain state, and deletion on request clears both.
CREATE TABLE mc.tickets
(
    id                      text        PRIMARY KEY,
    kind                    text        NOT NULL CHECK (kind IN ('Complaint', 'Consultation', 'Suggestion')),
    priority                text        NOT NULL CHECK (priority IN ('Normal', 'Urgent')),
    source                  text        NOT NULL CHECK (source IN ('Web', 'Api', 'Phone', 'Email')),
    subject                 text        NOT NULL,
    state                   text        NOT NULL CHECK (state IN ('Received', 'Accepted', 'Rejected', 'Assigned', 'Handled', 'Replied',
                                                              'ReturnVisited', 'Closed')),
    assignee                text        NULL CHECK (assignee IS NULL OR assignee = 'operator' OR assignee LIKE 'party:_%'),
    party_id                text        NULL,
    name_masked             text        NULL,
    phone_masked            text        NULL,
    email_masked            text        NULL,
    consent_purpose         text        NULL,
    consent_retention_days  integer     NULL,
    consent_given_at        timestamptz NULL,
    personal_data_erased_at timestamptz NULL,
    rectification_requested text        NULL,
    satisfaction            integer     NULL CHECK (satisfaction BETWEEN 1 AND 5),
    acknowledge_by          timestamptz NOT NULL,
    reply_by                timestamptz NOT NULL,
    return_visit_by         timestamptz NULL,
    overdue                 text[]      NOT NULL DEFAULT '{}',
    reopened                integer     NOT NULL DEFAULT 0,
    version                 bigint      NOT NULL,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL
);

-- The ticket list, newest first, and a party's tickets.
CREATE INDEX tickets_created ON mc.tickets (created_at DESC);
CREATE INDEX tickets_party ON mc.tickets (party_id, created_at DESC) WHERE party_id IS NOT NULL;

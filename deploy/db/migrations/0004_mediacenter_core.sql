-- MediaCenter's own tables live in schema mc, apart from Orleans' tables.
-- Grains append to these; queries that span entities (lists, search, reports, audit) read them.

CREATE SCHEMA IF NOT EXISTS mc;

-- Every domain event a grain announces, with the entity version it produced: the durable history.
CREATE TABLE mc.event_log
(
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_type  text        NOT NULL,
    entity_id    text        NOT NULL,
    version      bigint      NOT NULL,
    event_type   text        NOT NULL,
    operation_id text        NULL,
    actor        text        NULL,
    occurred_at  timestamptz NOT NULL,
    payload      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    UNIQUE (entity_type, entity_id, version)
);
CREATE INDEX event_log_occurred ON mc.event_log (occurred_at);

-- The operation log (操作日志): who did what to which target, with what result. Append-only.
CREATE TABLE mc.audit_log
(
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    actor          text        NULL,
    action         text        NOT NULL,
    target         text        NULL,
    result         text        NOT NULL,
    correlation_id text        NULL,
    client_ip      text        NULL,
    user_agent     text        NULL,
    details        jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_occurred ON mc.audit_log (occurred_at);
CREATE INDEX audit_log_actor ON mc.audit_log (actor, occurred_at);

-- The audit log is never edited: updates and deletes are refused by the database itself.
CREATE FUNCTION mc.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'mc.audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON mc.audit_log
    FOR EACH ROW EXECUTE FUNCTION mc.refuse_audit_change();

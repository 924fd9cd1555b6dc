-- Each person's consumer (the editor grain, F9) reads the log back from its checkpoint, its own events only. With the
-- people as an array on the row, that read walked every event of everyone from the checkpoint to the settled horizon and
-- kept the person's: work that grew with the number of staff times the events written (in B4, 53 readers at about
-- 800 events a second made it the database's busiest statement, 7 ms a read). Here every event has a row per person it
-- concerns, in the order readers read: a read is one index range of the person's own events. The trigger writes the rows
-- in the event's own transaction, so they carry its tx and become visible with it; the reader's settled horizon is unchanged.
-- Only that read used the array's index (and the table takes its name).
DROP INDEX mc.event_log_people;

CREATE TABLE mc.event_log_people
(
    person      uuid   NOT NULL,
    tx          xid8   NOT NULL,
    id          bigint NOT NULL,
    entity_type text   NOT NULL,
    PRIMARY KEY (person, tx, id)
);

INSERT INTO mc.event_log_people (person, tx, id, entity_type)
SELECT p, e.tx, e.id, e.entity_type FROM mc.event_log e CROSS JOIN LATERAL unnest(e.people) AS p
ON CONFLICT DO NOTHING;

CREATE FUNCTION mc.event_log_people_rows() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO mc.event_log_people (person, tx, id, entity_type)
    SELECT DISTINCT p, NEW.tx, NEW.id, NEW.entity_type FROM unnest(NEW.people) AS p;
    RETURN NULL;
END;
$$;

CREATE TRIGGER event_log_people_rows AFTER INSERT ON mc.event_log
    FOR EACH ROW WHEN (cardinality(NEW.people) > 0) EXECUTE FUNCTION mc.event_log_people_rows();


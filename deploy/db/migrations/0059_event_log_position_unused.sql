-- mc.event_log (tx, id) was the index of the readers that walked the log in position order. Since 0057 they read
-- mc.event_log_people by person and position and reach the event by its id: nothing reads the log by position any more,
-- and every append paid for the index. (The appended event's position is still returned by the append and kept per person.)
DROP INDEX mc.event_log_position;

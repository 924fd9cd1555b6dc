-- Hot events' traffic kept (F9.3, #17): each web instance sends, every few seconds, its count of requests per hot event, kind and
-- minute so far (qa: the public Q&A asked, refused ones included; qaServed: of those, answered; feed: the feeds of the event's
-- channels while active). A count never goes down, so a resend is harmless; an instance that restarts counts under a new name.
CREATE TABLE mc.hot_event_traffic
(
    event_id text        NOT NULL,
    instance text        NOT NULL,
    kind     text        NOT NULL CHECK (kind IN ('qa', 'qaServed', 'feed')),
    minute   timestamptz NOT NULL,
    requests bigint      NOT NULL CHECK (requests >= 0),
    PRIMARY KEY (event_id, instance, kind, minute)
);

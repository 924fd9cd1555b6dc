-- A notification of a grouped incident (a storm of terminal alerts of one party and region) carries the counts and a
-- bounded member list; webhook deliveries include it in their payload. NULL for every other notification.
ALTER TABLE mc.notifications ADD COLUMN group_digest jsonb NULL;

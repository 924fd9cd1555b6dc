-- Placeholder on branch wt/streams only: migration 0013 belongs to wt/ops (plans, drills and campaigns in grains), and
-- migrations must be numbered without gaps. When the branches meet, wt/ops's file of the same name replaces this one.
SELECT 1;

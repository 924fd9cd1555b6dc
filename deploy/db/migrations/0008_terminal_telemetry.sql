-- Telemetry history per terminal in fixed buckets (default 5 minutes): averages and peaks, not every sample,
-- so a large fleet writes one row per terminal per bucket.

CREATE TABLE mc.terminal_telemetry
(
    terminal_id  text             NOT NULL,
    bucket_start timestamptz      NOT NULL,
    samples      integer          NOT NULL,
    cpu_avg      double precision NULL,
    cpu_max      double precision NULL,
    mem_avg      double precision NULL,
    disk_avg     double precision NULL,
    temp_max     double precision NULL,
    PRIMARY KEY (terminal_id, bucket_start)
);

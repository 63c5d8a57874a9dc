-- What several `slugbase serve` processes on one database must agree on.

-- Rate-limit counts per key and fixed window (window_start in milliseconds since the epoch, a
-- multiple of the window's length). Only PostgreSQL installations write here: an SQLite
-- installation is one process and keeps its limits in memory. Old windows are deleted by the
-- cleanup job.
CREATE TABLE rate_limit_hits (
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limit_hits_by_window ON rate_limit_hits (window_start);

-- Who runs a scheduled job, until when: an instance runs the job only while it holds the lease,
-- and another may take it over once until_ms (milliseconds since the epoch) has passed.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until_ms BIGINT NOT NULL
);

-- Imports that run in the background: a browser's bookmark file of tens of thousands of
-- bookmarks is taken at once and written in batches, each batch in its own transaction.
--
-- A job belongs to one person in one organization and is shown to nobody else. The uploaded
-- file's text is kept in `import_job_files` until the job ends: whichever instance runs the job
-- reads it from there, and a job cut off by a stop is taken up again from `items_read`, the
-- items of the file already written (each batch advances it in the transaction that writes the
-- batch). The file is a table of its own so that writing progress never rewrites it (SQLite
-- writes a whole row again on every update). `report` is the report so far as JSON (the counts,
-- and the items that need a look).
--
-- `status` is `queued`, `running`, `done` or `failed`. A running job names the instance running
-- it (`holder`) and when that instance last wrote progress (`heartbeat_at`); another instance
-- takes over a job whose heartbeat has stopped. Times are milliseconds since the epoch.
CREATE TABLE import_jobs (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    file_name TEXT,
    is_html BOOLEAN NOT NULL,
    total BIGINT NOT NULL,
    items_read BIGINT NOT NULL DEFAULT 0,
    report TEXT NOT NULL,
    error TEXT,
    holder TEXT,
    heartbeat_at BIGINT,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT
);
CREATE INDEX import_jobs_by_owner ON import_jobs (org_id, user_id, created_at);
CREATE INDEX import_jobs_by_status ON import_jobs (status, created_at);

CREATE TABLE import_job_files (
    job_id TEXT PRIMARY KEY REFERENCES import_jobs(id) ON DELETE CASCADE,
    content TEXT NOT NULL
);

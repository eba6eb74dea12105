-- Task list filtered by queue, by worker or by one priority, newest started first, keyset on
-- (sort key, id) like the list index. Without them these filters walk the list index and test each
-- row, so a page costs every newer task that does not match: with 9,000 ev/s of tasks on other
-- queues and workers arriving, 226-293 ms p99 over 5 million tasks (docs/CAPACITY.md). With them a
-- page costs its own rows whatever else the project runs. Each is paid by every task insert and
-- non-HOT update; the cost is measured in docs/OPERATOR-READS.md.
CREATE INDEX ix_tasks_project_queue_listed
    ON tasks (project_id, queue, (coalesce(started_at, '-infinity'::timestamptz)), id);
CREATE INDEX ix_tasks_project_worker_listed
    ON tasks (project_id, worker_name, (coalesce(started_at, '-infinity'::timestamptz)), id);
CREATE INDEX ix_tasks_project_priority_listed
    ON tasks (project_id, priority, (coalesce(started_at, '-infinity'::timestamptz)), id);

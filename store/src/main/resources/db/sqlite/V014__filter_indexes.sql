-- Task list filtered by queue, by worker or by one priority, newest started first, keyset on
-- (sort key, id): a page costs its own rows, not every newer task that does not match (as on
-- PostgreSQL; the list statement names the index with INDEXED BY).
CREATE INDEX ix_tasks_project_queue_listed
    ON tasks (project_id, queue, coalesce(started_at, -9223372036854775808), id);
CREATE INDEX ix_tasks_project_worker_listed
    ON tasks (project_id, worker_name, coalesce(started_at, -9223372036854775808), id);
CREATE INDEX ix_tasks_project_priority_listed
    ON tasks (project_id, priority, coalesce(started_at, -9223372036854775808), id);
